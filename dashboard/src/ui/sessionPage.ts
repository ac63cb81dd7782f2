// Client script of the session page: draws the risk chart with uPlot, sends reviews without a reload, and loads an
// alert's thumbnail only when the proctor opens it (each load is an audited view).
import type { AlertRule } from '@proctor/contracts';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ReviewResult, RiskSeries } from '../server/api/schemas.ts';
import { localizeTimes, RULE_LABEL, STATUS_LABEL } from './format.ts';
import { renderAuditRows } from './sessionHistory.ts';

async function drawRiskChart(el: HTMLElement) {
  const loading = el.querySelector('#risk-loading');
  const summary = document.querySelector('#risk-summary');
  try {
    const res = await fetch(el.dataset.src as string, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const series = (await res.json()) as RiskSeries;
    loading?.remove();
    if (series.snapshots.length === 0) {
      el.innerHTML = '<p class="muted">No risk has been scored for this session yet.</p>';
      return;
    }
    const xs = series.snapshots.map((s) => s.bucketStart / 1000);
    const ys = series.snapshots.map((s) => s.score);
    new uPlot(
      {
        width: Math.max(320, el.clientWidth - 24),
        height: 240,
        scales: { y: { range: [0, 100] } },
        axes: [{}, { label: 'Risk (0–100)' }],
        series: [{}, { label: 'Risk', stroke: '#1d4ed8', fill: 'rgba(29,78,216,0.08)', width: 2 }],
      },
      [xs, ys],
      el,
    );
    const peak = series.snapshots.reduce((a, b) => (b.score > a.score ? b : a));
    const parts = peak.contributions
      .filter((c) => c.points > 0)
      .sort((a, b) => b.points - a.points)
      .map((c) => `${RULE_LABEL[c.rule as AlertRule] ?? c.rule} ${Math.round(c.points)}`)
      .join(', ');
    if (summary) {
      summary.textContent = `Peak ${Math.round(peak.score)} at ${new Date(peak.bucketStart).toLocaleTimeString()}${parts ? `, made of: ${parts} points` : ''}.`;
    }
  } catch (err) {
    el.innerHTML = `<p class="state error" role="alert">The risk chart could not be loaded (${String(err)}). The alerts below are unaffected.</p>`;
  }
}

function wireReviewForms() {
  const auditBody = document.querySelector<HTMLTableSectionElement>('#audit-rows');
  const auditTable = document.querySelector<HTMLTableElement>('#audit');
  const rules = JSON.parse(auditTable?.dataset.rules ?? '{}') as Record<string, AlertRule>;
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-review]')) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const submitter = (e as SubmitEvent).submitter as HTMLButtonElement | null;
      const action = submitter?.value ?? 'acknowledge';
      const note = (form.elements.namedItem('note') as HTMLTextAreaElement).value;
      const result = form.querySelector<HTMLElement>('.result');
      const buttons = form.querySelectorAll('button');
      for (const b of buttons) b.disabled = true;
      if (result) result.textContent = 'Saving…';
      try {
        // getAttribute, not form.action: the buttons are named "action" and shadow the form's property.
        const res = await fetch(form.getAttribute('action') as string, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ action, note }),
        });
        const body = await res.json();
        if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
        const review = body as ReviewResult;
        const card = form.closest<HTMLElement>('.alert-card');
        if (card) {
          card.dataset.status = review.status;
          const chip = card.querySelector('[data-role="status"]');
          if (chip) chip.textContent = STATUS_LABEL[review.status];
        }
        (form.elements.namedItem('note') as HTMLTextAreaElement).value = '';
        if (result) result.textContent = `Saved: ${STATUS_LABEL[review.status]}. Recorded in the audit log.`;
        // A repeat of this proctor's review is answered with the row already recorded: shown once.
        if (auditBody && !auditBody.querySelector(`[data-audit-id="${review.audit.id}"]`)) {
          auditBody.insertAdjacentHTML('afterbegin', renderAuditRows([review.audit], rules));
          localizeTimes(auditBody);
          const empty = document.querySelector<HTMLElement>('#audit-empty');
          if (empty) empty.hidden = true;
        }
        const open = document.querySelectorAll('.alert-card[data-status="open"]').length;
        const total = document.querySelectorAll('.alert-card').length;
        const counter = document.querySelector('#open-count');
        if (counter) counter.textContent = `${open} of ${total}`;
      } catch (err) {
        if (result) result.textContent = `Not saved: ${err instanceof Error ? err.message : String(err)}`;
      } finally {
        for (const b of buttons) b.disabled = false;
      }
    });
  }
}

/** The receipt check: the file is read here and posted as JSON; the server says whether it verifies and why not. */
function wireReceiptForm() {
  const form = document.querySelector<HTMLFormElement>('#receipt-form');
  const out = document.querySelector('#receipt-result');
  form?.addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = form.querySelector<HTMLInputElement>('#receipt-file')?.files?.[0];
    if (!file || !out) return;
    const res = await fetch(form.dataset.src as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: await file.text(),
    });
    const body = (await res.json()) as {
      ok?: boolean;
      checkedEvents?: number;
      problems?: string[];
      error?: { message: string };
    };
    out.textContent = body.ok
      ? `Verified: the chain is intact and matches the ${body.checkedEvents} events this system holds as evidence.`
      : `Does not verify: ${(body.problems ?? [body.error?.message ?? `HTTP ${res.status}`]).join('; ')}`;
    out.setAttribute('data-verified', String(body.ok === true));
  });
}

/** The image is fetched on first open only: a page load alone never counts as looking at a candidate. */
function wireThumbnails() {
  for (const details of document.querySelectorAll<HTMLDetailsElement>('details[data-thumbnail-src]')) {
    details.addEventListener('toggle', () => {
      const img = details.querySelector('img');
      if (details.open && img && !img.getAttribute('src')) img.src = details.dataset.thumbnailSrc as string;
    });
  }
}

export function startSessionPage(): void {
  wireReceiptForm();
  const chart = document.querySelector<HTMLElement>('#risk-chart');
  if (chart) void drawRiskChart(chart);
  wireReviewForms();
  wireThumbnails();
}
