/** The API the UI sees as `window.lpj`, whichever transport is underneath. */
import type { EventFrame, Method, Params, Result } from './api';

export interface LpjApi {
  invoke<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  /** Subscribe to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: EventFrame) => void): () => void;
}

export type { EventFrame };
