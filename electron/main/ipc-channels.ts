/** IPC channel names shared by main and preload. */
export const IPC_INVOKE = 'lpj:invoke';
export const IPC_EVENT = 'lpj:event';
/** The user picks a session file to replay in a native dialog; answers the host's handle for it. */
export const IPC_PICK_SESSION = 'lpj:pickSession';
/** A notification worded by the UI, for the desktop to show while the window is not in front (one way). */
export const IPC_NOTIFY = 'lpj:notify';
