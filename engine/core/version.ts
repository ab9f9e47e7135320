/** Version of the engine (matching, ledger, stores, protocol). Bumped when its behaviour or formats change. */
export const ENGINE_VERSION = '0.1.0';
