// The keys one session owns in its `{sessionId}` slot at the edge: its state (with its dedupe marks) and its thumbnail
// slots. What erasure deletes with the session, in one DEL (one slot); a new per-session key belongs here too.
import { sessionStateKey } from './redisKeys.ts';
import { thumbnailSlotsKey } from './thumbnails.ts';

export const edgeSessionKeys = (sessionId: string, prefix?: string): string[] => [
  sessionStateKey(sessionId, prefix),
  thumbnailSlotsKey(sessionId, prefix),
];
