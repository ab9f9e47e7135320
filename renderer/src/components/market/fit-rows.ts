import { useCallback, useRef, useState } from 'react';

/**
 * How many rows of a list fit its scroller: the scroller's height (less what sits above the rows, such as a
 * table's sticky head) over one row's height, plus one for a row cut off at the edge. A panel that updates
 * up to every frame mounts only these rows: the ones below the fold cost reconciling, styling and laying out
 * on every update and are never seen.
 *
 * The scroller must be sized by its container, not by its rows (`contain: strict`, or `flex: 1 1 0` with
 * `min-height: 0`), so mounting fewer rows never changes its height. Until it is measured, `initial` rows are
 * shown. `rowSelector` finds a row to measure; until one exists `fallbackRowPx` is the row height.
 */
export function useFitRows(
  initial: number,
  fallbackRowPx: number,
  rowSelector: string,
  headSelector?: string,
): [(el: HTMLElement | null) => void, number] {
  const [count, setCount] = useState(initial);
  const observer = useRef<ResizeObserver | null>(null);
  const rowPx = useRef(0);

  const ref = useCallback(
    (el: HTMLElement | null) => {
      observer.current?.disconnect();
      observer.current = null;
      if (!el) return;
      const measure = () => {
        const height = el.clientHeight;
        if (height <= 0) return;
        if (!rowPx.current) {
          const row = el.querySelector<HTMLElement>(rowSelector);
          const h = row?.getBoundingClientRect().height ?? 0;
          if (h > 0) rowPx.current = h;
        }
        const head = headSelector
          ? (el.querySelector<HTMLElement>(headSelector)?.getBoundingClientRect().height ?? 0)
          : 0;
        const px = rowPx.current || fallbackRowPx;
        setCount(Math.max(1, Math.ceil(Math.max(0, height - head) / px) + 1));
      };
      // No measuring here, in the commit that mounted the list: reading sizes then forces a layout of the whole
      // page inside that task. The observer reports the first size right after the frame's own layout.
      observer.current = new ResizeObserver(measure);
      observer.current.observe(el);
    },
    [fallbackRowPx, rowSelector, headSelector],
  );
  return [ref, count];
}
