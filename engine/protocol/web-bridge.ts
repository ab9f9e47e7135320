/**
 * How web mode's page reaches its app host (the reasons are in engine/host/web-bridge.ts). Shared by the
 * bridge and the page's transport; zod-free, as the renderer loads it at start-up.
 */

/** The API's WebSocket, on the page's own origin. */
export const API_PATH = '/api';
/** The subprotocol the bridge answers with; the page offers it beside its key. */
export const API_SUBPROTOCOL = 'lpj.v1';
/** The page offers its key as a second subprotocol, `lpj-key.<key>` (base64url is a valid protocol token). */
export const KEY_SUBPROTOCOL_PREFIX = 'lpj-key.';
/** Name of the meta tag in the served page that carries the per-launch key. */
export const BRIDGE_KEY_META = 'lpj-bridge-key';
/**
 * Where the page uploads a session file the user picked: POST the file's bytes, the key as a Bearer token,
 * `?name=` its file name; the reply is a PickedSession, or an ApiErrorBody with a 4xx status.
 */
export const SESSION_UPLOAD_PATH = '/api/sessions';
