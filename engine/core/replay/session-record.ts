/** One recorded feed event of a session, as the replay player consumes it (the file format is engine/node/replay). */
import type { FeedEvent } from '../market-data/types';

export interface SessionRecord {
  /** ms since the session's start. */
  at: number;
  event: FeedEvent;
}
