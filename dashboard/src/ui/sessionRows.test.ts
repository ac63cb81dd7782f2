// The shared row renderer escapes what candidates' ids could carry and keeps rank order and labels.
import { describe, expect, it } from 'vitest';
import type { RankedSession } from '../server/api/schemas.ts';
import { renderSessionRows } from './sessionRows.ts';

const base: RankedSession = {
  sessionId: 'a'.repeat(64),
  examScheduleId: 'sched-1',
  userId: 'u1',
  attemptNo: 1,
  status: 'active',
  riskScore: 72.5,
  openAlerts: 2,
  totalAlerts: 3,
  rules: ['look_away', 'multi_person'],
  startedAt: Date.UTC(2026, 10, 25, 9),
  endedAt: null,
  lastSeenAt: null,
  presence: 'online',
};

describe('renderSessionRows', () => {
  it('renders rank, risk band, rule labels and presence', () => {
    const html = renderSessionRows([base, { ...base, sessionId: 'b'.repeat(64), riskScore: 10, rules: [] }]);
    expect(html).toMatch(/<td class="num">1<\/td>[\s\S]*Risk 73 of 100, high/);
    expect(html).toContain('Looking away');
    expect(html).toContain('More than one person');
    expect(html).toContain('Connected');
    expect(html).toMatch(/<td class="num">2<\/td>[\s\S]*risk-low[\s\S]*None open/);
    expect(html).toContain('09:00:00 UTC');
  });
  it('escapes user ids', () => {
    expect(renderSessionRows([{ ...base, userId: '<img src=x>' }])).toContain('&lt;img src=x&gt;');
  });
});
