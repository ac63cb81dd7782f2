// The event state machine against recorded detection traces (client/fixtures): hysteresis, durations, shape.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnomalyEvent } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { type AnomalyBegin, createEventDeriver } from './eventDeriver.ts';
import type { FrameObservation } from './types.ts';

interface Trace {
  frameMs: number;
  aspect: number;
  frames: FrameObservation[];
}

const load = (name: string): Trace =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', `${name}.json`), 'utf8')) as Trace;

function run(
  trace: Trace,
  extra: (d: ReturnType<typeof createEventDeriver>, end: number) => AnomalyEvent[] = () => [],
) {
  let n = 0;
  const deriver = createEventDeriver(
    {},
    () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    trace.aspect,
  );
  const events = trace.frames.flatMap((f) => deriver.observe(f));
  const end = trace.frames.at(-1)!.t + trace.frameMs;
  events.push(...extra(deriver, end), ...deriver.close(end));
  // The client sends the canonical form itself: reading it at the edge changes nothing (no key dropped or added).
  for (const e of events) expect(AnomalyEvent.parse(e)).toEqual(e);
  return { events, deriver };
}

describe('eventDeriver on recorded traces', () => {
  it('a steady face (real detector) gives no events and completes calibration', () => {
    const { events, deriver } = run(load('steady-real'));
    expect(events).toEqual([]);
    expect(deriver.calibration).toBe(1);
  });

  it('a steady face moving naturally for 30 s gives no events', () => {
    expect(run(load('steady-model')).events).toEqual([]);
  });

  it('a head turned for 3 s gives one LOOK_AWAY, to the left, lasting about 3 s', () => {
    const trace = load('look-away-3s');
    const { events } = run(trace);
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(e?.type).toBe('LOOK_AWAY');
    if (e?.type !== 'LOOK_AWAY') return;
    expect(e.details.direction).toBe('LEFT');
    expect(e.details.durationMillis).toBeGreaterThanOrEqual(2500);
    expect(e.details.durationMillis).toBeLessThanOrEqual(3500);
    expect(e.details.yawDegrees).toBeGreaterThan(25);
    expect(e.timestamp).toBe(trace.frames[10]!.t); // anomaly start, not detection time
    expect(e.confidence).toBeGreaterThan(0.5);
  });

  it('single bad frames (missing, extra, turned, dark) give nothing', () => {
    expect(run(load('flicker')).events).toEqual([]);
  });

  it('two faces for 4 s give one MULTI_PERSON with faceCount 2, reported on confirmation', () => {
    const trace = load('two-faces');
    let n = 0;
    const deriver = createEventDeriver({}, () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`);
    const reportedAt: number[] = [];
    const events = trace.frames.flatMap((f) => {
      const out = deriver.observe(f);
      if (out.length) reportedAt.push(f.t);
      return out;
    });
    events.push(...deriver.close(trace.frames.at(-1)!.t));
    expect(events.map((e) => e.type)).toEqual(['MULTI_PERSON']);
    const [e] = events;
    if (e?.type !== 'MULTI_PERSON') return;
    expect(e.details.faceCount).toBe(2);
    expect(e.timestamp).toBe(trace.frames[8]!.t);
    expect(reportedAt).toEqual([trace.frames[10]!.t]); // third consecutive frame: high severity, sent at once
    expect(e.confidence).toBeGreaterThan(0.9);
  });

  it('no face for 5 s and a covered lens for 4 s give one NO_FACE and one CAMERA_BLOCKED', () => {
    const trace = load('no-face-then-blocked');
    const { events } = run(trace);
    expect(events.map((e) => e.type)).toEqual(['NO_FACE', 'CAMERA_BLOCKED']);
    const [noFace, blocked] = events;
    if (noFace?.type !== 'NO_FACE' || blocked?.type !== 'CAMERA_BLOCKED') return;
    expect(noFace.timestamp).toBe(trace.frames[8]!.t);
    expect(noFace.details.durationMillis).toBe(5000);
    expect(noFace.confidence).toBe(1);
    expect(blocked.timestamp).toBe(trace.frames[24]!.t);
    expect(blocked.details.durationMillis).toBe(4000);
    expect(blocked.details.meanLuma).toBeLessThan(10);
  });
});

describe('eventDeriver segments and endings', () => {
  const steady = load('steady-real').frames[0]!;
  const at = (i: number) => steady.t + i * 500;

  it('cuts a long absence into segments no longer than maxSegmentMs whose durations add up', () => {
    const deriver = createEventDeriver({ maxSegmentMs: 10_000 });
    const frames: FrameObservation[] = Array.from({ length: 60 }, (_, i) => ({ ...steady, t: at(i), faces: [] }));
    const events = [...frames.flatMap((f) => deriver.observe(f)), ...deriver.close(at(60))];
    expect(events.every((e) => e.type === 'NO_FACE')).toBe(true);
    expect(events.length).toBe(3);
    const total = events.reduce((s, e) => s + (e.type === 'NO_FACE' ? e.details.durationMillis : 0), 0);
    expect(total).toBe(30_000);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
  });

  it('camera lost closes the open anomaly and reports CAMERA_LOST, then ignores frames', () => {
    const deriver = createEventDeriver();
    const frames: FrameObservation[] = Array.from({ length: 8 }, (_, i) => ({ ...steady, t: at(i), faces: [] }));
    frames.forEach((f) => void deriver.observe(f));
    const events = deriver.cameraLost(at(8), 'PERMISSION_REVOKED');
    expect(events.map((e) => e.type)).toEqual(['NO_FACE', 'CAMERA_LOST']);
    expect(events[1]).toMatchObject({ confidence: 1, details: { reason: 'PERMISSION_REVOKED' }, timestamp: at(8) });
    expect(deriver.observe({ ...steady, t: at(9), faces: [] })).toEqual([]);
    for (const e of events) expect(AnomalyEvent.parse(e)).toEqual(e);
  });
});

describe('eventDeriver anomaly begins (the moment a thumbnail may be taken)', () => {
  function withBegins(name: string) {
    const trace = load(name);
    let n = 0;
    const begins: AnomalyBegin[] = [];
    const deriver = createEventDeriver(
      {},
      () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      trace.aspect,
      { onAnomalyBegin: (b) => begins.push(b) },
    );
    const events = trace.frames.flatMap((f) => deriver.observe(f));
    events.push(...deriver.close(trace.frames.at(-1)!.t + trace.frameMs));
    return { trace, begins, events };
  }

  it('never begins on single bad frames', () => {
    expect(withBegins('flicker').begins).toEqual([]);
    expect(withBegins('steady-real').begins).toEqual([]);
  });

  it('begins MULTI_PERSON once, on the confirming frame, naming the event it reports', () => {
    const { trace, begins, events } = withBegins('two-faces');
    expect(begins).toEqual([{ type: 'MULTI_PERSON', eventId: events[0]?.eventId, t: trace.frames[10]!.t }]);
  });

  it('begins NO_FACE and CAMERA_BLOCKED when confirmed, long before their events, with those events’ ids', () => {
    const { trace, begins, events } = withBegins('no-face-then-blocked');
    expect(begins.map((b) => b.type)).toEqual(['NO_FACE', 'CAMERA_BLOCKED']);
    expect(begins.map((b) => b.eventId)).toEqual(events.map((e) => e.eventId));
    // Confirmed after the hysteresis, not at the first frame and not at the end of the anomaly.
    expect(begins[0]!.t).toBeGreaterThan(trace.frames[8]!.t);
    expect(begins[0]!.t).toBeLessThan(events[0]!.timestamp + 5000);
  });
});
