// A session's timeline and audit rows as HTML, shared by the server render and the review script.
import type { Alert, AlertRule } from '@proctor/contracts';
import type { AuditEntry, SessionDetail } from '../server/api/schemas.ts';
import { duration, escapeHtml, percent, RULE_LABEL, timeHtml } from './format.ts';

const ACTION_LABEL: Record<string, string> = {
  acknowledge: 'Acknowledged',
  dismiss: 'Dismissed',
  view_thumbnail: 'Viewed thumbnail',
};
const ACTION_VERB: Record<string, string> = {
  acknowledge: 'acknowledged',
  dismiss: 'dismissed',
  view_thumbnail: 'viewed the thumbnail of',
};

export function renderAuditRows(entries: AuditEntry[], rules: Record<string, AlertRule>): string {
  return entries
    .map((e) => {
      const rule = e.alertId ? rules[e.alertId] : undefined;
      const alert = e.alertId
        ? `<a href="#alert-${e.alertId}">${escapeHtml(rule ? RULE_LABEL[rule] : e.alertId.slice(0, 8))}</a>`
        : '—';
      return `<tr data-audit-id="${e.id}"><td>${timeHtml(e.createdAt, true)}</td><td>${escapeHtml(e.actor)}</td>
<td>${escapeHtml(ACTION_LABEL[e.action] ?? e.action)}</td><td>${alert}</td><td>${e.note ? escapeHtml(e.note) : '<span class="muted">—</span>'}</td></tr>`;
    })
    .join('\n');
}

interface Item {
  at: number;
  kind: 'session' | 'event' | 'alert' | 'review';
  html: string;
}

/** Session start/end, each evidence event, each alert and each review, in time order. */
export function renderTimeline(session: SessionDetail['session'], alerts: Alert[], audit: AuditEntry[]): string {
  const items: Item[] = [{ at: session.startedAt, kind: 'session', html: 'Session started' }];
  const seen = new Set<string>();
  for (const a of alerts) {
    for (const ev of a.evidence) {
      if (seen.has(ev.eventId)) continue;
      seen.add(ev.eventId);
      const len = ev.durationMillis !== undefined ? `, ${duration(ev.durationMillis)}` : '';
      items.push({
        at: ev.timestamp,
        kind: 'event',
        html: `Event: ${escapeHtml(RULE_LABEL[a.rule])} detected (confidence ${percent(ev.confidence)}${len})`,
      });
    }
    items.push({
      at: a.createdAt,
      kind: 'alert',
      html: `<a href="#alert-${a.alertId}">Alert: ${escapeHtml(RULE_LABEL[a.rule])}</a> — ${escapeHtml(a.explanation)}`,
    });
  }
  const rules = Object.fromEntries(alerts.map((a) => [a.alertId, a.rule]));
  for (const e of audit) {
    const rule = e.alertId ? rules[e.alertId] : undefined;
    items.push({
      at: e.createdAt,
      kind: 'review',
      html: `${escapeHtml(e.actor)} ${escapeHtml(ACTION_VERB[e.action] ?? e.action)} ${rule ? escapeHtml(RULE_LABEL[rule]) : 'an alert'}${e.note ? `: “${escapeHtml(e.note)}”` : ''}`,
    });
  }
  if (session.endedAt) items.push({ at: session.endedAt, kind: 'session', html: 'Session ended' });
  return items
    .sort((x, y) => x.at - y.at)
    .map((i) => `<li data-kind="${i.kind}">${timeHtml(i.at)} · ${i.html}</li>`)
    .join('\n');
}
