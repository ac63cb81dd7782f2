// `npm start -- --check`: after the short exam, the proctor's view must hold what the candidates caused. Reads the
// dashboard's own API as a proctor of each tenant (a Bearer token, as API clients sign in) and counts this run's
// sessions and alerts there; the check passes once every alert the cohort's watcher saw in MySQL is on the API.
import type { RunningCohort } from '@proctor/cohort';
import { DEV_DASHBOARD_AUDIENCE, DEV_ISSUER, mintDevProctorToken } from '@proctor/testkit';

export interface DashboardCheck {
  sessions: number;
  alerts: number;
  /** Alerts the cohort's MySQL watcher counted for this run: what the API must show at least. */
  expectedAlerts: number;
  ok: boolean;
}

interface RankedSessions {
  sessions: { sessionId: string; totalAlerts: number }[];
}

async function readOnce(dashboardUrl: string, cohort: RunningCohort): Promise<Omit<DashboardCheck, 'ok'>> {
  const schedules = new Map<string, { tenantId: string; scheduleId: string }>();
  for (const p of cohort.plans) schedules.set(`${p.tenantId}\u0000${p.scheduleId}`, p);
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (tenantId: string) => {
    let t = tokens.get(tenantId);
    if (!t) {
      t = mintDevProctorToken(tenantId, 'proctor', {
        issuer: process.env.JWT_ISSUER ?? DEV_ISSUER,
        audience: process.env.JWT_AUDIENCE ?? DEV_DASHBOARD_AUDIENCE,
      });
      tokens.set(tenantId, t);
    }
    return t;
  };
  let sessions = 0;
  let alerts = 0;
  for (const { tenantId, scheduleId } of schedules.values()) {
    const res = await fetch(`${dashboardUrl}/api/schedules/${encodeURIComponent(scheduleId)}/sessions`, {
      headers: { authorization: `Bearer ${await tokenFor(tenantId)}` },
    });
    // A schedule none of whose sessions has reached MySQL yet is not known to the dashboard.
    if (res.status === 404) continue;
    if (!res.ok) throw new Error(`dashboard answered ${res.status} for ${scheduleId}: ${await res.text()}`);
    const body = (await res.json()) as RankedSessions;
    for (const s of body.sessions) {
      if (!cohort.sessionIds.has(s.sessionId)) continue;
      sessions++;
      alerts += s.totalAlerts;
    }
  }
  return { sessions, alerts, expectedAlerts: cohort.metrics.alerts };
}

/** Polls the dashboard's API until it shows this run's alerts (at least one, and every one the watcher saw). */
export async function checkDashboard(dashboardUrl: string, cohort: RunningCohort, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await readOnce(dashboardUrl, cohort);
    const ok = seen.sessions > 0 && seen.alerts > 0 && seen.alerts >= seen.expectedAlerts;
    if (ok || Date.now() > deadline) return { ...seen, ok } satisfies DashboardCheck;
    await new Promise((r) => setTimeout(r, 2000));
  }
}
