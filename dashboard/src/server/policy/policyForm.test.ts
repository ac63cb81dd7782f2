// The editor's form becomes a policy: empty fields inherit, removed and empty accommodation rows are dropped.
import { PolicySchema } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { policyFromForm } from './policyForm.ts';

const form = (entries: [string, string][]) => {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
};

describe('policyFromForm', () => {
  it('leaves out what is empty, so the layer inherits it', () => {
    const p = policyFromForm(
      form([
        ['t.maxLookAwaySeconds', ''],
        ['thumbnails.enabled', ''],
        ['acc.count', '1'],
      ]),
      {
        tenantLayer: true,
      },
    );
    expect(p).toEqual({});
  });

  it('reads thresholds, accommodations, opt-ins and (for the tenant) retention', () => {
    const f = form([
      ['t.maxLookAwaySeconds', '4'],
      ['acc.count', '3'],
      ['acc.0.userId', 'u1'],
      ['acc.0.reason', 'dyslexia'],
      ['acc.0.maxLookAwaySeconds', '12'],
      ['acc.1.userId', 'u2'],
      ['acc.1.reason', 'gone'],
      ['acc.1.remove', 'on'],
      ['acc.2.userId', ''],
      ['thumbnails.enabled', 'on'],
      ['thumbnails.maxPerHour', '3'],
      ['browserSignals.enabled', 'off'],
      ['retentionDays', '14'],
    ]);
    const tenant = PolicySchema.parse(policyFromForm(f, { tenantLayer: true }));
    expect(tenant).toEqual({
      thresholds: { maxLookAwaySeconds: 4 },
      accommodations: [{ userId: 'u1', reason: 'dyslexia', thresholds: { maxLookAwaySeconds: 12 } }],
      thumbnails: { enabled: true, types: ['MULTI_PERSON', 'NO_FACE', 'CAMERA_BLOCKED'], maxPerHour: 3 },
      browserSignals: { enabled: false, requireFullscreen: false },
      retentionDays: 14,
    });
    expect(policyFromForm(f, { tenantLayer: false })).not.toHaveProperty('retentionDays');
  });
});
