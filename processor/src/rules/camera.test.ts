import type { AnomalyEvent } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { cameraBlocked, cameraLost, runRules } from '../../test/events.ts';

const alertsOf = (events: AnomalyEvent[], overrides = {}) => runRules(events, overrides).alerts;

const cases: { name: string; events: AnomalyEvent[]; alerts: [string, string][] }[] = [
  { name: 'blocked', events: [cameraBlocked(0, 3)], alerts: [['camera_blocked', 'high']] },
  {
    name: 'blocked twice in a minute',
    events: [cameraBlocked(0, 3), cameraBlocked(20, 3)],
    alerts: [['camera_blocked', 'high']],
  },
  {
    name: 'blocked three times is critical',
    events: [cameraBlocked(0, 3), cameraBlocked(70, 3), cameraBlocked(140, 3)],
    alerts: [
      ['camera_blocked', 'high'],
      ['camera_blocked', 'high'],
      ['camera_blocked', 'critical'],
    ],
  },
  { name: 'track ended', events: [cameraLost(0, 'TRACK_ENDED')], alerts: [['camera_lost', 'medium']] },
  { name: 'permission revoked', events: [cameraLost(0, 'PERMISSION_REVOKED')], alerts: [['camera_lost', 'high']] },
  {
    name: 'permission revoked again',
    events: [cameraLost(0, 'PERMISSION_REVOKED'), cameraLost(90, 'PERMISSION_REVOKED')],
    alerts: [
      ['camera_lost', 'high'],
      ['camera_lost', 'critical'],
    ],
  },
  {
    name: 'blocked and lost are separate rules in one minute',
    events: [cameraBlocked(0, 3), cameraLost(5, 'DEVICE_ERROR')],
    alerts: [
      ['camera_blocked', 'high'],
      ['camera_lost', 'medium'],
    ],
  },
];

describe('camera rules', () => {
  it.each(cases)('$name', ({ events, alerts }) => {
    expect(alertsOf(events).map((a) => [a.rule, a.severity])).toEqual(alerts);
  });

  it('explains with the duration and the reason', () => {
    expect(alertsOf([cameraBlocked(0, 4)])[0]!.explanation).toContain('4 s');
    expect(alertsOf([cameraLost(0, 'PERMISSION_REVOKED')])[0]!.explanation).toContain('permission revoked');
  });
});
