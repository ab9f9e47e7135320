/** The API the UI sees as `window.lpj`, whichever transport is underneath. */
import type { DesktopNote, EventFrame, Method, Params, PickedSession, Result } from './api';

export interface LpjApi {
  invoke<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  /** Subscribe to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: EventFrame) => void): () => void;
  /**
   * Lets the user choose a session file to replay — the desktop's open dialog, or the browser's file picker
   * and an upload in web mode — and resolves with the host's handle for it (null if the user cancelled).
   * Call it straight from the click that asks for it: browsers open a file picker only in answer to one.
   */
  pickSession(): Promise<PickedSession | null>;
  /**
   * A notification worded by the UI, shown by the desktop while the app's window is not in front (the
   * notifications centre shows it otherwise); a browser shows none.
   */
  notify(note: DesktopNote): void;
}

export type { EventFrame };
