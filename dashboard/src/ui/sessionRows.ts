// The ranked-sessions table body, as HTML: rendered by the server for the first paint and by the live script
// for every pushed update, so one function decides what a proctor sees in each row.
import type { RankedSession } from '../server/api/schemas.ts';
import { escapeHtml, PRESENCE_LABEL, RULE_LABEL, riskBand, timeHtml } from './format.ts';

export function renderSessionRows(sessions: RankedSession[], rank0 = 1): string {
  return sessions
    .map((s, i) => {
      const band = riskBand(s.riskScore);
      const rules = s.rules.length
        ? s.rules.map((r) => `<span class="chip">${escapeHtml(RULE_LABEL[r] ?? r)}</span>`).join(' ')
        : '<span class="muted">None open</span>';
      const status = s.status === 'active' ? 'Active' : 'Ended';
      return `<tr data-session-id="${s.sessionId}" data-risk="${Math.round(s.riskScore)}">
  <td class="num">${rank0 + i}</td>
  <td><a class="row-link" href="/sessions/${s.sessionId}">${escapeHtml(s.userId)}</a>${s.attemptNo > 1 ? ` <span class="muted">attempt ${s.attemptNo}</span>` : ''}</td>
  <td><span class="risk risk-${band}" aria-label="Risk ${Math.round(s.riskScore)} of 100, ${band}"><span class="risk-score">${Math.round(s.riskScore)}</span><span class="risk-band">${band}</span></span></td>
  <td class="num">${s.openAlerts}<span class="muted"> / ${s.totalAlerts}</span></td>
  <td>${rules}</td>
  <td>${status}${s.status === 'active' ? ` <span class="presence presence-${s.presence}">${PRESENCE_LABEL[s.presence]}</span>` : ''}</td>
  <td>${timeHtml(s.startedAt)}</td>
</tr>`;
    })
    .join('\n');
}
