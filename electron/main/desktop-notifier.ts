/**
 * Desktop notifications of what reaches the notification centre (fills on every venue, triggered stops, price
 * alerts, copy events; the host has left out the kinds switched off in Settings), worded by the UI in the user's
 * language (the UI sends each as it arrives): shown only while the window is not in front — in front, the header's notification centre
 * already shows them. A note comes from the page, so it is checked against the contract (DesktopNote: two
 * bounded strings, nothing else) before anything is shown; anything else is dropped.
 *
 * Kept free of Electron (the caller passes how to show one), so it is tested in plain Node.
 */
import { DesktopNote } from '../../engine/protocol/api';

export interface DesktopNotifierOptions {
  /** Whether the app's window is in front. */
  windowFocused: () => boolean;
  /** Whether the system can show notifications at all. */
  supported: () => boolean;
  /** Shows one; `onClick` brings the window forward. */
  show: (note: DesktopNote, onClick: () => void) => void;
  bringForward: () => void;
}

export class DesktopNotifier {
  constructor(private readonly o: DesktopNotifierOptions) {}

  /** Shows what the page sent, if it is a note and the window is not in front; says whether it was shown. */
  offer(value: unknown): boolean {
    const note = DesktopNote.safeParse(value);
    if (!note.success || this.o.windowFocused() || !this.o.supported()) return false;
    this.o.show(note.data, this.o.bringForward);
    return true;
  }
}
