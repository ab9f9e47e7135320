/** IPC channel names shared by main and preload. */
export const IPC_INVOKE = 'lpj:invoke';
export const IPC_EVENT = 'lpj:event';
