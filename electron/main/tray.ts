/**
 * The tray icon: shows the last LPJ price in its tooltip (and, on macOS, beside the icon), and brings the
 * window forward on click. The price comes from the host's market updates, at most once a second.
 */
import { app, Menu, nativeImage, Tray } from 'electron';
import { join } from 'node:path';
import type { EventFrame } from '../../engine/protocol/api';

const won = new Intl.NumberFormat('en-US');

export class PriceTray {
  private readonly tray: Tray;
  private last = 0;
  private shown = -1;
  private timer: NodeJS.Timeout | undefined;

  constructor(show: () => void) {
    const icon = nativeImage
      .createFromPath(join(app.getAppPath(), 'build/icons/icon.png'))
      .resize({ width: 16, height: 16 });
    this.tray = new Tray(icon);
    this.tray.setToolTip('Playground 777');
    this.tray.setContextMenu(
      Menu.buildFromTemplate([{ label: 'Open Playground 777', click: show }, { type: 'separator' }, { role: 'quit' }]),
    );
    this.tray.on('click', show);
  }

  /** Feed it every host event; it keeps the last LPJ price and repaints at most once a second. */
  onHostEvent(frame: EventFrame): void {
    if (frame.name !== 'practice.update' || frame.payload.lastPrice <= 0) return;
    this.last = frame.payload.lastPrice;
    this.timer ??= setTimeout(() => this.paint(), 1_000);
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.tray.destroy();
  }

  private paint(): void {
    this.timer = undefined;
    if (this.last === this.shown) return;
    this.shown = this.last;
    const text = `LPJ ${won.format(this.last)} KRW`;
    this.tray.setToolTip(`Playground 777 — ${text} (practice)`);
    if (process.platform === 'darwin') this.tray.setTitle(text);
  }
}
