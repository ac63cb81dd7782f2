// Turns the policy editor's form fields into a policy document (then parsed by contracts PolicySchema like JSON).
// Empty fields mean "inherit": they are left out, never sent as 0 or false.
import { EXAM_CONFIG_DEFAULTS } from '@proctor/contracts';

export const THRESHOLD_NAMES = Object.keys(EXAM_CONFIG_DEFAULTS) as (keyof typeof EXAM_CONFIG_DEFAULTS)[];
/** Accommodations may override every threshold but the heartbeat interval. */
export const ACCOMMODATION_THRESHOLDS = THRESHOLD_NAMES.filter((n) => n !== 'heartbeatIntervalSeconds');
/** Rows the editor offers for accommodations: the existing ones plus this many empty ones. */
export const EMPTY_ACCOMMODATION_ROWS = 1;

type Form = { get(name: string): unknown; getAll(name: string): unknown[] };

const text = (form: Form, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
};
const num = (form: Form, name: string) => {
  const v = text(form, name);
  return v === '' ? undefined : Number(v);
};
const tri = (form: Form, name: string) => {
  const v = text(form, name);
  return v === 'on' ? true : v === 'off' ? false : undefined;
};

function numbers(form: Form, names: readonly string[], prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) {
    const v = num(form, `${prefix}${n}`);
    if (v !== undefined) out[n] = v;
  }
  return out;
}

/** The form's fields as an unparsed policy; `retentionDays` is read only for the tenant's own policy. */
export function policyFromForm(form: Form, opts: { tenantLayer: boolean }): Record<string, unknown> {
  const policy: Record<string, unknown> = {};
  const thresholds = numbers(form, THRESHOLD_NAMES, 't.');
  if (Object.keys(thresholds).length) policy.thresholds = thresholds;

  const accommodations: unknown[] = [];
  const rows = Number(text(form, 'acc.count')) || 0;
  for (let i = 0; i < Math.min(rows, 1000); i++) {
    const userId = text(form, `acc.${i}.userId`);
    if (!userId || text(form, `acc.${i}.remove`) === 'on') continue;
    accommodations.push({
      userId,
      reason: text(form, `acc.${i}.reason`),
      thresholds: numbers(form, ACCOMMODATION_THRESHOLDS, `acc.${i}.`),
    });
  }
  if (accommodations.length) policy.accommodations = accommodations;

  const thumbs = tri(form, 'thumbnails.enabled');
  if (thumbs !== undefined) {
    const types = form.getAll('thumbnails.types').filter((t) => typeof t === 'string');
    const maxPerHour = num(form, 'thumbnails.maxPerHour');
    policy.thumbnails = {
      enabled: thumbs,
      ...(types.length ? { types } : {}),
      ...(maxPerHour !== undefined ? { maxPerHour } : {}),
    };
  }
  const signals = tri(form, 'browserSignals.enabled');
  if (signals !== undefined) {
    policy.browserSignals = {
      enabled: signals,
      requireFullscreen: text(form, 'browserSignals.requireFullscreen') === 'on',
    };
  }
  if (opts.tenantLayer) {
    const days = num(form, 'retentionDays');
    if (days !== undefined) policy.retentionDays = days;
  }
  return policy;
}
