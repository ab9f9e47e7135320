/**
 * A button's popover panel (notification centre, price alerts, indicator picker): open state and a ref for
 * the element holding the button and the panel. While open, Escape or a press outside that element closes it;
 * a press inside (the button itself included) is left to the button, which toggles.
 */
import { useEffect, useRef, useState, type Dispatch, type RefObject, type SetStateAction } from 'react';

export function usePopover<T extends HTMLElement = HTMLDivElement>(): {
  open: boolean;
  setOpen: Dispatch<SetStateAction<boolean>>;
  root: RefObject<T | null>;
} {
  const [open, setOpen] = useState(false);
  const root = useRef<T>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onDown);
    };
  }, [open]);
  return { open, setOpen, root };
}
