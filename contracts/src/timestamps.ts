// Event timestamps as integrators send them (ISO-8601 with Z or an offset, or epoch ms), read into epoch ms.
import { z } from 'zod';
import { EPOCH_MILLIS_MIN } from './ids.ts';

/** The accepted forms, named in every refusal so a client author can fix the field without reading code. */
export const TIMESTAMP_FORMS =
  'an ISO-8601 date-time with Z or an offset and optional fractional seconds (2026-01-28T10:00:00Z, ' +
  '2026-01-28T11:00:00.250+01:00) or epoch milliseconds (1769594400000)';

// z.iso.datetime has already checked the calendar (leap years, days per month); this only splits the parts.
const PARTS = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:Z|([+-])(\d\d):(\d\d))$/;

/** Epoch ms of a date-time z.iso.datetime({offset: true}) accepted; digits past milliseconds are truncated. */
function isoToEpochMillis(iso: string): number {
  const m = PARTS.exec(iso);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac = '', sign, oh = '0', om = '0'] = m;
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  const offsetMin = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms) - offsetMin * 60_000;
}

const IsoTimestamp = z.iso
  .datetime({ offset: true })
  // No lower bound here: a date-time before 2020 is simply too old, which the edge's age check reports as such.
  .transform((iso, ctx) => {
    const ms = isoToEpochMillis(iso);
    if (Number.isFinite(ms)) return ms;
    ctx.issues.push({ code: 'custom', message: `must be ${TIMESTAMP_FORMS}`, input: iso });
    return z.NEVER;
  })
  .meta({ description: 'ISO-8601 date-time with Z or an offset; read as epoch ms' });

// Epoch ms, after 2020-01-01 so a seconds value (10 digits) is caught; each refusal names both forms.
const TimestampMillis = z
  .number()
  .int()
  .min(EPOCH_MILLIS_MIN, `must be ${TIMESTAMP_FORMS}; this number is before 2020 (seconds instead of milliseconds?)`);

/**
 * When the anomaly began on the candidate's clock. Input: either form above; output: always epoch ms, so every
 * record downstream of the edge has one shape. Windows use this, not arrival time.
 */
export const EventTimestamp = z
  // Neither form matched (a fraction of a millisecond fails as a type, so it lands here too).
  .union([TimestampMillis, IsoTimestamp], { error: `must be ${TIMESTAMP_FORMS}` })
  .meta({
    description: `When the anomaly began, on the candidate's clock: ${TIMESTAMP_FORMS}. Stored as epoch ms.`,
    examples: ['2026-01-28T10:00:00Z', '2026-01-28T11:00:00.250+01:00', 1769594400000],
  });
