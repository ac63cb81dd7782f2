// The dashboard's reads, shared by pages and API routes: each takes the principal's tenant, never a request's.
import { ExternalId, SessionId } from '@proctor/contracts';
import { withPresence } from '../live/presence.ts';
import { listSessionAlerts } from '../queries/alerts.ts';
import { type AuditCursor, listAudit, listRiskSnapshots } from '../queries/history.ts';
import { listSchedules } from '../queries/schedules.ts';
import { getSession, listRankedSessions, scheduleExists, sessionBelongsTo } from '../queries/sessions.ts';
import { thumbnailEventIds } from '../queries/thumbnails.ts';
import type {
  AuditEntry,
  RankedSessionList,
  RiskSeries,
  ScheduleSummary,
  SessionDetail,
  SessionFilter,
} from './schemas.ts';

type Ctx = Pick<App.Locals, 'principal' | 'services'>;

export function loadSchedules({ principal, services }: Ctx): Promise<ScheduleSummary[]> {
  return listSchedules(services.db, principal.tenantId);
}

/** null when the schedule has no session of this tenant: another tenant's schedule looks exactly like none. */
export async function loadRankedSessions(
  { principal, services }: Ctx,
  scheduleId: string,
  filter: SessionFilter,
): Promise<RankedSessionList | null> {
  if (!ExternalId.safeParse(scheduleId).success) return null;
  if (!(await scheduleExists(services.db, principal.tenantId, scheduleId))) return null;
  const base = await listRankedSessions(services.db, principal.tenantId, scheduleId, filter);
  const live = await withPresence(services.edge, base, services.redisPrefix);
  return {
    examScheduleId: scheduleId,
    sessions: live.sessions,
    generatedAt: Date.now(),
    liveStateDegraded: live.degraded,
  };
}

export async function loadSessionDetail(
  { principal, services }: Ctx,
  sessionId: string,
): Promise<SessionDetail | null> {
  if (!SessionId.safeParse(sessionId).success) return null;
  const session = await getSession(services.db, principal.tenantId, sessionId);
  if (!session) return null;
  const [alerts, live, thumbnails] = await Promise.all([
    listSessionAlerts(services.db, principal.tenantId, sessionId),
    withPresence(services.edge, [session], services.redisPrefix),
    // Thumbnails are an extra: an unreachable bucket shows the alerts without them rather than failing the page.
    services.objects
      ? thumbnailEventIds(services.objects, principal.tenantId, sessionId).catch(() => [])
      : Promise.resolve([]),
  ]);
  const presence = live.sessions[0]?.presence ?? 'unknown';
  return {
    session: { ...session, presence },
    alerts,
    thumbnailEventIds: thumbnails,
    liveStateDegraded: live.degraded,
  };
}

/** Session-scoped history: the session must be this tenant's, checked by primary key before the history query. */
async function ownsSession({ principal, services }: Ctx, sessionId: string): Promise<boolean> {
  if (!SessionId.safeParse(sessionId).success) return false;
  return sessionBelongsTo(services.db, principal.tenantId, sessionId);
}

export async function loadRisk(ctx: Ctx, sessionId: string): Promise<RiskSeries | null> {
  if (!(await ownsSession(ctx, sessionId))) return null;
  return { sessionId, snapshots: await listRiskSnapshots(ctx.services.db, ctx.principal.tenantId, sessionId) };
}

/** One page of the session's audit, newest first: the newest, or the one before `before` (a listAudit cursor). */
export async function loadAudit(
  ctx: Ctx,
  sessionId: string,
  before?: AuditCursor,
): Promise<{ entries: AuditEntry[]; next: string | null } | null> {
  if (!(await ownsSession(ctx, sessionId))) return null;
  return listAudit(ctx.services.db, ctx.principal.tenantId, sessionId, before);
}
