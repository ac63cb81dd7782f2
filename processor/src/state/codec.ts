// Compact text form of SessionState for Redis: positional JSON, relative times, 22-char UUID event ids (goal ≤ 1 KB).
import { ALERT_RULES, type AlertRule, EXAM_CONFIG_DEFAULTS, type ExamConfig } from '@proctor/contracts';
import type { RiskState } from '../risk/riskScore.ts';
import type { BucketState, Interval, OnDeviceState, WindowState } from '../rules/types.ts';
import { newSessionState, type SessionState } from '../session/applyRecord.ts';

const VERSION = 1;
const CONFIG_KEYS = Object.keys(EXAM_CONFIG_DEFAULTS) as (keyof ExamConfig)[];

// A lower-case UUID (what our client sends) ↔ base64url of its 16 bytes (22 chars). Any other eventId (free-form,
// up to 128 chars of A-Za-z0-9._:-, an upper-case UUID included) is kept as is behind '=', a character neither
// base64url nor the eventId charset uses, so the two forms never collide and state written before stays readable.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RAW = '=';
function packId(eventId: string): string {
  if (!UUID.test(eventId)) return RAW + eventId;
  return Buffer.from(eventId.replaceAll('-', ''), 'hex').toString('base64url');
}
function unpackId(packed: string): string {
  if (packed.startsWith(RAW)) return packed.slice(RAW.length);
  const h = Buffer.from(packed, 'base64url').toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// An entry's fifth element, present only on a NO_FACE in a dim room, is the mean luma its client reported (×10).
type PackedEntry = [number, number, number, string] | [number, number, number, string, number];
type PackedWindow = [number | null, ...PackedEntry[]];
const packWindow = (w: WindowState, base: number): PackedWindow => [
  w.alertedUntil ? base - w.alertedUntil : null,
  ...w.entries.map((e): PackedEntry => {
    const packed: PackedEntry = [base - e.start, e.durationMs, Math.round(e.confidence * 1000), packId(e.eventId)];
    return e.meanLuma === undefined ? packed : [...packed, Math.round(e.meanLuma * 10)];
  }),
];
function unpackWindow(p: PackedWindow, base: number): WindowState {
  const [until, ...entries] = p;
  return {
    alertedUntil: until === null ? 0 : base - until,
    entries: entries.map(
      ([d, durationMs, c, id, luma]): Interval => ({
        start: base - d,
        durationMs,
        confidence: c / 1000,
        eventId: unpackId(id),
        ...(luma !== undefined && { meanLuma: luma / 10 }),
      }),
    ),
  };
}

const packBuckets = (b: BucketState): number[] => [b.count, ...b.buckets];
const unpackBuckets = ([count = 0, ...buckets]: number[]): BucketState => ({ count, buckets });

// Times are stored as offsets from the newest event time (short numbers); 0 stays 0 ("never").
const rel = (base: number, t: number) => (t ? base - t : null);
const abs = (base: number, d: number | null) => (d === null ? 0 : base - d);

const packRisk = (r: RiskState, base: number): [number | null, ...number[]] => [
  rel(base, r.asOf),
  ...ALERT_RULES.map((rule) => Math.round((r.points[rule] ?? 0) * 1000) / 1000),
];
function unpackRisk([asOf, ...pts]: (number | null)[], base: number): RiskState {
  const points: RiskState['points'] = {};
  ALERT_RULES.forEach((rule: AlertRule, i) => {
    if (pts[i]) points[rule] = pts[i]!;
  });
  return { asOf: abs(base, asOf ?? null), points };
}

export function encodeState(s: SessionState): string {
  const base = s.rules.maxEventTs;
  return JSON.stringify([
    VERSION,
    s.tenantId,
    s.configFromStart ? CONFIG_KEYS.map((k) => s.config[k]) : 0,
    rel(base, s.startedAt),
    rel(base, s.endedAt),
    rel(base, s.lastSeenAt),
    base,
    packWindow(s.rules.lookAway, base),
    packWindow(s.rules.noFace, base),
    packBuckets(s.rules.multiPerson),
    packBuckets(s.rules.cameraBlocked),
    packBuckets(s.rules.cameraLost),
    packRisk(s.risk, base),
    s.lastSnapshot ? [rel(base, s.lastSnapshot.bucketStart), s.lastSnapshot.score] : 0,
    rel(base, s.connectionLostMerged),
    // Last, so a 15-field state (one without on-device rules) still decodes, with no on-device buckets.
    Object.fromEntries(Object.entries(s.rules.onDevice).map(([rule, b]) => [rule, packBuckets(b!)])),
  ]);
}

/** Decodes what encodeState wrote; anything else (another version, corruption) is an Error. */
export function decodeState(text: string): SessionState {
  const a = JSON.parse(text);
  if (!Array.isArray(a) || a[0] !== VERSION || (a.length !== 15 && a.length !== 16))
    throw new Error('unknown session state encoding');
  const [, tenantId, cfg, startedAt, endedAt, lastSeenAt, base, la, nf, mp, cb, cl, risk, snap, clMerged, od] = a;
  const onDevice: OnDeviceState = {};
  for (const [rule, b] of Object.entries((od ?? {}) as Record<string, number[]>))
    if ((ALERT_RULES as readonly string[]).includes(rule)) onDevice[rule as AlertRule] = unpackBuckets(b);
  const s = newSessionState(tenantId);
  if (Array.isArray(cfg)) {
    s.config = Object.fromEntries(CONFIG_KEYS.map((k, i) => [k, cfg[i]])) as ExamConfig;
    s.configFromStart = true;
  }
  return {
    ...s,
    startedAt: abs(base, startedAt),
    endedAt: abs(base, endedAt),
    lastSeenAt: abs(base, lastSeenAt),
    rules: {
      maxEventTs: base,
      lookAway: unpackWindow(la, base),
      noFace: unpackWindow(nf, base),
      multiPerson: unpackBuckets(mp),
      cameraBlocked: unpackBuckets(cb),
      cameraLost: unpackBuckets(cl),
      onDevice,
    },
    risk: unpackRisk(risk, base),
    lastSnapshot: Array.isArray(snap) ? { bucketStart: abs(base, snap[0]), score: snap[1] } : undefined,
    connectionLostMerged: abs(base, clMerged),
  };
}
