// Client script of the live sessions page: applies pushed updates, announces new alerts, and keyboard navigation.

import type { RankedSessionList } from '../server/api/schemas.ts';
import type { LiveAlert } from '../server/live/liveAlerts.ts';
import { escapeHtml, localizeTimes, RULE_LABEL } from './format.ts';
import { renderSessionRows } from './sessionRows.ts';

function setLive(el: HTMLElement | null, state: 'connecting' | 'live' | 'error', text: string) {
  if (!el) return;
  el.dataset.state = state;
  el.textContent = text;
}

export function startLiveSessions(): void {
  const table = document.querySelector<HTMLTableElement>('#sessions');
  const body = document.querySelector<HTMLTableSectionElement>('#session-rows');
  const empty = document.querySelector<HTMLElement>('#empty');
  const live = document.querySelector<HTMLElement>('#live');
  const toasts = document.querySelector<HTMLElement>('#toasts');
  const filters = document.querySelector<HTMLFormElement>('#filters');

  for (const select of filters?.querySelectorAll('select') ?? []) {
    select.addEventListener('change', () => filters?.requestSubmit());
  }
  if (!table || !body) {
    setLive(live, 'error', 'Live updates unavailable');
    return;
  }
  const source = new EventSource(table.dataset.stream as string);
  source.addEventListener('open', () => setLive(live, 'live', 'Live'));
  source.addEventListener('error', () =>
    setLive(
      live,
      'error',
      source.readyState === EventSource.CLOSED ? 'Live updates stopped: reload the page' : 'Reconnecting…',
    ),
  );

  source.addEventListener('sessions', (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as RankedSessionList;
    const before = new Map([...body.rows].map((r) => [r.dataset.sessionId, r.dataset.risk]));
    const focusedId = (document.activeElement?.closest('tr') as HTMLTableRowElement | null)?.dataset.sessionId;
    body.innerHTML = renderSessionRows(data.sessions);
    localizeTimes(body);
    for (const row of body.rows) {
      if (before.get(row.dataset.sessionId) !== row.dataset.risk) row.classList.add('flash');
    }
    if (focusedId) body.querySelector<HTMLAnchorElement>(`tr[data-session-id="${focusedId}"] a`)?.focus();
    if (empty) empty.hidden = data.sessions.length > 0;
    setLive(live, 'live', `Live · updated ${new Date(data.generatedAt).toLocaleTimeString()}`);
  });

  source.addEventListener('alert', (e) => {
    const alert = JSON.parse((e as MessageEvent<string>).data) as LiveAlert;
    // A reconnect's catch-up may resend an alert already shown.
    if (alert.status !== 'open' || !toasts || toasts.querySelector(`[data-alert-id="${alert.alertId}"]`)) return;
    const toast = document.createElement('div');
    toast.className = 'toast';
    toast.dataset.alertId = alert.alertId;
    toast.innerHTML = `<strong>${escapeHtml(RULE_LABEL[alert.rule] ?? alert.rule)}</strong> · ${escapeHtml(alert.userId)}
      <div class="muted">${escapeHtml(alert.explanation)}</div>
      <a href="/sessions/${alert.sessionId}#alert-${alert.alertId}">Review</a>`;
    toasts.prepend(toast);
    while (toasts.children.length > 4) toasts.lastElementChild?.remove();
    setTimeout(() => toast.remove(), 30_000);
  });

  // j/k and arrow keys move focus between candidates; Enter follows the focused link natively.
  document.addEventListener('keydown', (e) => {
    if (
      e.target instanceof HTMLInputElement ||
      e.target instanceof HTMLSelectElement ||
      e.target instanceof HTMLTextAreaElement
    )
      return;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const step = e.key === 'j' || e.key === 'ArrowDown' ? 1 : e.key === 'k' || e.key === 'ArrowUp' ? -1 : 0;
    if (!step) return;
    const links = [...body.querySelectorAll<HTMLAnchorElement>('a.row-link')];
    if (links.length === 0) return;
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = at === -1 ? (step > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, at + step));
    links[next]?.focus();
    e.preventDefault();
  });
  window.addEventListener('pagehide', () => source.close());
}
