// The sessions' liveness deadlines, kept by the consumer on the processor's own Redis from every record it applies: a
// start, an event or a heartbeat moves its session's deadline to its newest receivedAt + the liveness window, an end
// removes it. The sweeper (sweeper.ts) claims the deadlines that passed. The edge writes none (Upstash bills per
// command, and heartbeats reach the processor as records).
import { livenessKey, livenessShard } from '@proctor/contracts';
import { execEach, type RedisClient, type RedisCommand } from '@proctor/contracts/redis';

export interface LivenessChange {
  deadlines: { sessionId: string; deadline: number }[];
  ended: string[];
}

export type LivenessStore = ReturnType<typeof createLivenessStore>;

export function createLivenessStore(redis: RedisClient, prefix: string) {
  return {
    async apply({ deadlines, ended }: LivenessChange): Promise<void> {
      // One command per session, each in its shard's slot, all in one round trip (per node on a cluster).
      const commands: RedisCommand[] = [
        ...deadlines.map(
          ({ sessionId, deadline }): RedisCommand => [
            'zadd',
            livenessKey(livenessShard(sessionId), prefix),
            deadline,
            sessionId,
          ],
        ),
        ...ended.map((id): RedisCommand => ['zrem', livenessKey(livenessShard(id), prefix), id]),
      ];
      for (const [err] of await execEach(redis, commands)) if (err) throw err;
    },
  };
}
