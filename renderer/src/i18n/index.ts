import type { Language } from '@protocol/api';
import { useSettings } from '../stores/settings-store';
import { en, type MessageKey } from './en';
import { ko } from './ko';

const dictionaries: Record<Language, Record<MessageKey, string>> = { en, ko };

export const languageNames: Record<Language, string> = { en: 'English', ko: '한국어' };

export function translate(language: Language, key: MessageKey): string {
  return dictionaries[language][key];
}

/** The translate function for the current language; components re-render when the language changes. */
export function useT(): (key: MessageKey) => string {
  const language = useSettings((s) => s.settings?.language ?? 'en');
  return (key) => translate(language, key);
}

export type { MessageKey };

/** Whether a message exists for this key (every dictionary has the same keys: ko is typed against en). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** Puts a value into a message's {n} placeholder. */
export function fill(text: string, n: string | number): string {
  return text.replace('{n}', String(n));
}

/** The current language, for formatting that depends on it (times). */
export function useLanguage(): Language {
  return useSettings((s) => s.settings?.language ?? 'en');
}
