/**
 * Keys of a group that is one tab stop (WAI-ARIA tabs and radio groups): only the chosen item is in the tab
 * order; the arrows, Home and End choose another and move the focus to it, wrapping at the ends. A tablist
 * moves with Left and Right; a radio group also with Up and Down. Keys with a modifier are left to the browser.
 */
import type { KeyboardEvent } from 'react';

const STEPS: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1 };
const RADIO_STEPS: Record<string, number> = { ...STEPS, ArrowUp: -1, ArrowDown: 1 };

export function rovingKeys<T>(
  e: KeyboardEvent<HTMLElement>,
  role: 'tab' | 'radio',
  values: readonly T[],
  current: T,
  choose: (v: T) => void,
): void {
  if (e.altKey || e.ctrlKey || e.metaKey || values.length === 0) return;
  const i = values.indexOf(current);
  const step = (role === 'radio' ? RADIO_STEPS : STEPS)[e.key];
  const to = step !== undefined ? i + step : e.key === 'Home' ? 0 : e.key === 'End' ? values.length - 1 : null;
  if (to === null) return;
  e.preventDefault();
  const next = (to + values.length) % values.length;
  choose(values[next]);
  e.currentTarget.querySelectorAll<HTMLElement>(`[role="${role}"]`)[next]?.focus();
}
