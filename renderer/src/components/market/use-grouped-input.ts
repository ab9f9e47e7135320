/**
 * What a numeric <input> needs to show thousands separators while the user types (see lib/typed-number): the
 * text it shows, the change handler that keeps the plain digits, and the caret put back after regrouping.
 */
import { useLayoutEffect, useRef, type ChangeEvent, type RefObject } from 'react';
import { editGrouped, groupTyped, plainDigits } from '../../lib/typed-number';

export function useGroupedInput(
  value: string,
  onChange: (plain: string) => void,
): { ref: RefObject<HTMLInputElement | null>; value: string; onChange: (e: ChangeEvent<HTMLInputElement>) => void } {
  const ref = useRef<HTMLInputElement>(null);
  const caret = useRef<number | null>(null);
  const shown = groupTyped(plainDigits(value));
  // After the new text is in the field: the caret where the edit left it, not at the end where React put it.
  useLayoutEffect(() => {
    const el = ref.current;
    const at = caret.current;
    caret.current = null;
    if (el && at !== null && document.activeElement === el) el.setSelectionRange(at, at);
  });
  return {
    ref,
    value: shown,
    onChange: (e) => {
      const el = e.target;
      const edit = editGrouped(
        shown,
        el.value,
        el.selectionStart ?? el.value.length,
        (e.nativeEvent as InputEvent).inputType,
      );
      caret.current = edit.caret;
      onChange(edit.plain);
    },
  };
}
