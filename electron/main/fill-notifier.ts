/**
 * Desktop notifications for my fills on the live LPJ market, from the host's `notification` events. Only
 * while the window is not in front: in front, the header's notification centre already shows them.
 */
import { Notification } from 'electron';
import type { EventFrame } from '../../engine/protocol/api';

export class FillNotifier {
  constructor(
    private readonly windowFocused: () => boolean,
    /** Brings the window forward when a notification is clicked. */
    private readonly show: () => void,
  ) {}

  onHostEvent(frame: EventFrame): void {
    if (frame.name !== 'notification' || frame.payload.kind !== 'fill') return;
    if (this.windowFocused() || !Notification.isSupported()) return;
    const note = new Notification({ title: frame.payload.title, body: frame.payload.body });
    note.on('click', this.show);
    note.show();
  }
}
