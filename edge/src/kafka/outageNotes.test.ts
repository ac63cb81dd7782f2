import { PRODUCE_FAILURE_NOTE_MAX_SECONDS } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { failureSecondsToNote, producedOk } from './outageNotes.ts';

const T = 1_700_000_000_000;
const fresh = () => ({ failingSince: undefined as number | undefined, notedUpTo: -1 });

describe('failureSecondsToNote', () => {
  it('notes nothing for a first failure, then every second from the first failure once it is sustained', () => {
    const s = fresh();
    expect(failureSecondsToNote(T + 200, s)).toEqual([]);
    expect(failureSecondsToNote(T + 900, s)).toEqual([]);
    expect(failureSecondsToNote(T + 2500, s)).toEqual([T / 1000, T / 1000 + 1, T / 1000 + 2]);
    // The same second again: already noted.
    expect(failureSecondsToNote(T + 2900, s)).toEqual([]);
    expect(failureSecondsToNote(T + 4100, s)).toEqual([T / 1000 + 3, T / 1000 + 4]);
  });

  it('starts over after a success: a blip is never noted', () => {
    const s = fresh();
    failureSecondsToNote(T, s);
    producedOk(s);
    expect(failureSecondsToNote(T + 1500, s)).toEqual([]);
    producedOk(s);
    expect(failureSecondsToNote(T + 3000, s)).toEqual([]);
  });

  it('writes at most the newest seconds of a long failure in one note', () => {
    const s = fresh();
    failureSecondsToNote(T, s);
    const seconds = failureSecondsToNote(T + 600_000, s);
    expect(seconds).toHaveLength(PRODUCE_FAILURE_NOTE_MAX_SECONDS);
    expect(seconds.at(-1)).toBe(T / 1000 + 600);
  });
});
