/**
 * The only bridge between the sandboxed renderer and the main process: it exposes the typed API and nothing
 * else (no ipcRenderer, no Node). Replies arrive as the same envelopes the web bridge uses.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventFrame, Method, Params, PickedSession, Result } from '../../engine/protocol/api';
import type { LpjApi } from '../../engine/protocol/client';
import { ApiError } from '../../engine/protocol/errors';
import type { Reply } from '../../engine/protocol/wire';
import { IPC_EVENT, IPC_INVOKE, IPC_NOTIFY, IPC_PICK_SESSION } from '../main/ipc-channels';

async function call(channel: string, ...args: unknown[]): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(channel, ...args)) as Reply;
  if (reply.ok) return reply.result;
  throw ApiError.fromBody(reply.error);
}

const api: LpjApi = {
  async invoke<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    return (await call(IPC_INVOKE, method, params)) as Result<M>;
  },
  async pickSession() {
    // The main process shows the dialog and registers the file; only its handle comes back.
    return (await call(IPC_PICK_SESSION)) as PickedSession | null;
  },
  notify(note) {
    ipcRenderer.send(IPC_NOTIFY, note);
  },
  onEvent(listener: (event: EventFrame) => void) {
    const handler = (_e: IpcRendererEvent, frame: EventFrame) => listener(frame);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => ipcRenderer.off(IPC_EVENT, handler);
  },
};

contextBridge.exposeInMainWorld('lpj', api);
