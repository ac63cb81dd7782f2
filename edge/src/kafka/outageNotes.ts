// Notes the seconds in which this isolate's produce path was down (contracts ingestOutage.ts says why the liveness
// sweeper needs them). Only a sustained failure is noted: a second failure at least SUSTAINED_MS after the first with
// no success between. A blip (one timeout, then a success) is not, so that a busy deployment's odd error does not
// hold back every lapse. At most one note per isolate per second, and only while failing: nothing is billed while the
// path is healthy.
import { PRODUCE_FAILURE_NOTE_MAX_SECONDS, PRODUCE_FAILURES_HORIZON_MS, produceFailuresKey } from '@proctor/contracts';
import type { Redis } from '@upstash/redis/cloudflare';
import type { EventProducer } from './producer.ts';

const SUSTAINED_MS = 1000;

/** Isolate-lifetime state: when this isolate's produces began failing (no success since), and its last noted second. */
const isolate = { failingSince: undefined as number | undefined, notedUpTo: -1 };

/** Writes failure seconds (each its own member and score) where the sweeper reads them. */
export type NoteFailureSeconds = (seconds: number[]) => Promise<unknown>;

export function upstashFailureNotes(redis: Redis, prefix: string): NoteFailureSeconds {
  return async (seconds) => {
    if (!seconds.length) return;
    const [first, ...rest] = seconds.map((s) => ({ score: s, member: String(s) }));
    await redis.zadd(produceFailuresKey(prefix), first!, ...rest);
  };
}

/** The seconds a failure at `now` should note, and records them as noted; none for a first failure or a blip. */
export function failureSecondsToNote(now: number, state = isolate): number[] {
  state.failingSince ??= now;
  if (now - state.failingSince < SUSTAINED_MS) return [];
  const last = Math.floor(now / 1000);
  const first = Math.max(
    Math.floor(state.failingSince / 1000),
    state.notedUpTo + 1,
    last - PRODUCE_FAILURE_NOTE_MAX_SECONDS + 1,
    Math.floor((now - PRODUCE_FAILURES_HORIZON_MS) / 1000),
  );
  if (first > last) return [];
  state.notedUpTo = last;
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

export function producedOk(state = isolate): void {
  state.failingSince = undefined;
}

/**
 * The producer, noting sustained failures. A note that fails is dropped (best effort: the request is answered 503
 * anyway, and a later failure notes its seconds again from where this isolate's failing began).
 */
export function withOutageNotes(
  producer: EventProducer,
  note: () => NoteFailureSeconds | undefined,
  now: () => number,
): EventProducer {
  return {
    async produce(topic, records) {
      const result = await producer.produce(topic, records);
      if (result.ok) {
        producedOk();
        return result;
      }
      const seconds = failureSecondsToNote(now());
      const write = seconds.length ? note() : undefined;
      if (write) {
        await write(seconds).catch(() => {
          // Not noted: let the next failure write these seconds again.
          isolate.notedUpTo = Math.min(isolate.notedUpTo, seconds[0]! - 1);
        });
      }
      return result;
    },
  };
}
