// What a run left downstream, in the shape that compares across runs (by plan index: each run has its own session
// ids), and the verdict of a fault run against the control run. Pure.

export interface SessionOutcome {
  status: string;
  risk: number;
  /** rule → alerts raised. */
  alerts: Map<string, number>;
}

export interface Tally {
  /** Distinct events the edge answered with a 2xx. */
  accepted: number;
  /** Accepted events with a record in Kafka. */
  inKafka: number;
  /** Records beyond the first of an accepted event (a retried produce; the rules ignore a repeated eventId). */
  kafkaRepeats: number;
  /** Accepted events counted by the processor: their record is committed and within its session's saved state. */
  applied: number;
  /** Why each accepted event that is not counted as applied is not (the first few name the cause). */
  unapplied: string[];
  deadLettered: number;
  /** By plan index. */
  sessions: Map<number, SessionOutcome>;
}

export interface Verdict {
  /** Alerts past what the control run raised, per session and rule. */
  duplicateAlerts: number;
  /** Alerts the control run raised that this run did not. */
  missingAlerts: number;
  /** Largest risk-score difference to the control run, points. */
  riskMaxDiff: number;
  problems: string[];
}

/**
 * Event times come from the candidates' own clock (a 1 s tick), so two runs stamp an event a few hundred ms apart
 * and the 10-minute half-life moves a score by hundredths; a doubled or lost alert moves it by 10 points or more.
 */
export const RISK_TOLERANCE = 0.5;

export function compareToControl(control: Tally, run: Tally, expectedEvents: number): Verdict {
  const problems: string[] = [];
  let duplicateAlerts = 0;
  let missingAlerts = 0;
  let riskMaxDiff = 0;
  if (run.accepted !== expectedEvents) problems.push(`accepted ${run.accepted} of ${expectedEvents} planned events`);
  if (run.inKafka !== run.accepted) problems.push(`${run.accepted - run.inKafka} accepted events not in Kafka`);
  if (run.applied !== run.accepted)
    problems.push(
      `${run.accepted - run.applied} accepted events not applied (${run.unapplied.slice(0, 3).join('; ')})`,
    );
  if (run.deadLettered) problems.push(`${run.deadLettered} records dead-lettered`);
  for (const [index, want] of control.sessions) {
    const got = run.sessions.get(index);
    if (!got) {
      problems.push(`session #${index} missing in MySQL`);
      continue;
    }
    if (got.status !== want.status) problems.push(`session #${index} is ${got.status}, control ${want.status}`);
    const diff = Math.abs(got.risk - want.risk);
    riskMaxDiff = Math.max(riskMaxDiff, diff);
    if (diff > RISK_TOLERANCE) problems.push(`session #${index} risk ${got.risk}, control ${want.risk}`);
    for (const rule of new Set([...want.alerts.keys(), ...got.alerts.keys()])) {
      const n = got.alerts.get(rule) ?? 0;
      const m = want.alerts.get(rule) ?? 0;
      if (n > m) problems.push(`session #${index}: ${n} ${rule} alerts, control ${m}`);
      if (n < m) problems.push(`session #${index}: ${n} ${rule} alerts, control ${m}`);
      duplicateAlerts += Math.max(0, n - m);
      missingAlerts += Math.max(0, m - n);
    }
  }
  for (const index of run.sessions.keys())
    if (!control.sessions.has(index)) problems.push(`session #${index} not in the control run`);
  return { duplicateAlerts, missingAlerts, riskMaxDiff, problems };
}

export interface FaultRow {
  case: string;
  accepted: number;
  applied: number;
  duplicates: number;
  missing: number;
  /** 5xx answers the candidates saw (and retried). */
  edge5xx: number;
  recoveryMs: number | undefined;
  /** Kafka records beyond one per accepted event (a retried produce; the rules skip a repeated eventId). */
  kafkaRepeats: number;
  /** What the fault visibly did (or, for a failure, the first problem). */
  note: string;
  ok: boolean;
}

const cell = (s: string | number, w: number) => String(s).padEnd(w);

/** The table the suite prints at the end (and README's Reliability section shows). */
export function faultsTable(rows: readonly FaultRow[]): string {
  const head = [
    'case',
    'accepted',
    'applied',
    'duplicate alerts',
    'missing alerts',
    'Kafka repeats',
    'edge 5xx (retried)',
    'recovery',
    'result',
  ];
  const body = rows.map((r) => [
    r.case,
    String(r.accepted),
    String(r.applied),
    String(r.duplicates),
    String(r.missing),
    String(r.kafkaRepeats),
    String(r.edge5xx),
    r.recoveryMs === undefined ? '–' : `${(r.recoveryMs / 1000).toFixed(1)} s`,
    r.ok ? `ok${r.note ? `: ${r.note}` : ''}` : `FAILED: ${r.note}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => cell(c, widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
