// The memory queue's storage seam: a second queue over the same store sees what the first left (a simulated reload).
import type { AnomalyEvent } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { createMemoryQueue, type MemoryQueueStore } from './eventQueue.ts';

const SESSION = 'b'.repeat(64);
const event = (n: number) =>
  ({
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'NO_FACE',
    timestamp: 1_767_225_600_000 + n,
    confidence: 1,
    details: { durationMillis: 3000 },
  }) as AnomalyEvent;

describe('createMemoryQueue', () => {
  it('keeps queued events across a reload when given the same store, oldest first', async () => {
    const store: MemoryQueueStore = new Map();
    await createMemoryQueue(store).put(SESSION, [event(1), event(2)]);
    const reloaded = createMemoryQueue(store);
    await reloaded.put(SESSION, [event(2), event(3)]); // re-adding a queued event changes nothing
    expect((await reloaded.peek(SESSION, 10)).map((q) => q.eventId)).toEqual([1, 2, 3].map((n) => event(n).eventId));
    expect(await createMemoryQueue().count(SESSION)).toBe(0); // a fresh store is empty
  });
});
