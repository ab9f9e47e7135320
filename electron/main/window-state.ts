import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';
import { screen } from 'electron';

export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

const DEFAULT: WindowState = { bounds: { x: 0, y: 0, width: 1400, height: 900 }, maximized: false };

function isRect(v: unknown): v is Rectangle {
  const r = v as Rectangle;
  return !!r && [r.x, r.y, r.width, r.height].every((n) => Number.isInteger(n)) && r.width >= 400 && r.height >= 300;
}

/** Last window size and position; ignored if unreadable or if it would open off every screen. */
export function loadWindowState(dir: string): WindowState {
  try {
    const raw = JSON.parse(readFileSync(join(dir, 'window-state.json'), 'utf8')) as Partial<WindowState>;
    if (!isRect(raw.bounds)) return DEFAULT;
    const visible = screen.getAllDisplays().some((d) => {
      const a = d.workArea;
      const b = raw.bounds!;
      return b.x < a.x + a.width && b.x + b.width > a.x && b.y < a.y + a.height && b.y + b.height > a.y;
    });
    return visible ? { bounds: raw.bounds, maximized: raw.maximized === true } : DEFAULT;
  } catch {
    return DEFAULT;
  }
}

export function trackWindowState(win: BrowserWindow, dir: string): void {
  const save = () => {
    if (win.isDestroyed()) return;
    const state: WindowState = { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
    try {
      writeFileSync(join(dir, 'window-state.json'), JSON.stringify(state));
    } catch {
      // Not being able to remember the window position is no reason to disturb the user.
    }
  };
  win.on('close', save);
}
