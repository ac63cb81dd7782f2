// The simulated exam `npm start` runs once the services answer: options from flags or env, a seeded cohort against
// the edge, one updating progress line, and a summary at the end (or when stopped).
import { parseArgs } from 'node:util';
import { busiestSchedule, planCohort, progressLine, type RunningCohort, startCohort, summary } from '@proctor/cohort';
import { mintDevToken } from '@proctor/testkit';

export interface LiveCohortOptions {
  enabled: boolean;
  /** `--check`: a short exam, then the dashboard's API must show its alerts; everything stops with the verdict. */
  check: boolean;
  candidates: number;
  examMinutes: number;
  tenants: number;
  schedulesPerTenant: number;
  seed: number;
  runId: string;
}

const positive = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!(n > 0)) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
};

/**
 * `--candidates N --exam-minutes M --tenants T --schedules S --seed X --no-cohort`, or COHORT_* variables.
 * `--check` (CI's first step on a fresh clone) makes the defaults a short exam: 40 candidates for 2 minutes.
 */
export function cohortOptions(argv: string[], env: NodeJS.ProcessEnv): LiveCohortOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      candidates: { type: 'string' },
      'exam-minutes': { type: 'string' },
      tenants: { type: 'string' },
      schedules: { type: 'string' },
      seed: { type: 'string' },
      'no-cohort': { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
    },
  });
  const check = values.check;
  if (check && values['no-cohort']) throw new Error('--check runs an exam: it cannot go with --no-cohort');
  return {
    enabled: check || (!values['no-cohort'] && env.COHORT !== '0' && env.COHORT_CANDIDATES !== '0'),
    check,
    candidates: Math.round(positive('candidates', values.candidates ?? env.COHORT_CANDIDATES, check ? 40 : 200)),
    examMinutes: positive('exam-minutes', values['exam-minutes'] ?? env.COHORT_EXAM_MINUTES, check ? 2 : 10),
    tenants: Math.round(positive('tenants', values.tenants ?? env.COHORT_TENANTS, 2)),
    schedulesPerTenant: Math.round(positive('schedules', values.schedules ?? env.COHORT_SCHEDULES, 2)),
    seed: Math.round(positive('seed', values.seed ?? env.COHORT_SEED, 1)),
    // Session ids come from the identity: a new run id per start, so a repeat of the same seed is a new exam.
    runId: env.COHORT_RUN_ID ?? Date.now().toString(36),
  };
}

function planOptions(o: LiveCohortOptions) {
  return {
    candidates: o.candidates,
    seed: o.seed,
    examMs: o.examMinutes * 60_000,
    tenants: o.tenants,
    schedulesPerTenant: o.schedulesPerTenant,
    runId: o.runId,
    // Incidents from 15 s after joining, so a new user sees alerts on the dashboard within the first two minutes.
    incidentWindowMs: [15_000, Math.max(20_000, o.examMinutes * 60_000 * 0.5)] as const,
  };
}

/** The busiest schedule of the plan, known before anything runs (the dashboard's sign-in is made for it). */
export const busiestOf = (o: LiveCohortOptions) => busiestSchedule(planCohort(planOptions(o)));

export interface LiveCohort {
  cohort: RunningCohort;
  /** Stops the candidates (if still running), prints the summary. */
  finish(): Promise<void>;
  ended: Promise<void>;
}

export function runLiveCohort(o: LiveCohortOptions, edgeUrl: string, mysqlUrl: string): LiveCohort {
  const cohort = startCohort({
    ...planOptions(o),
    edgeUrl,
    mysqlUrl,
    mintToken: (claims, expSeconds) => mintDevToken(claims, { expSeconds }),
  });
  const t0 = Date.now();
  const tty = process.stdout.isTTY;
  let prev = { at: t0, delivered: 0 };
  let lastPrinted = 0;
  const timer = setInterval(() => {
    const now = { at: Date.now(), delivered: cohort.metrics.eventsDelivered };
    const line = progressLine(cohort.metrics, o.candidates, prev, now);
    prev = now;
    // A terminal gets one line rewritten in place; a log gets a line every 10 s.
    if (tty) process.stdout.write(`\r\x1b[2K${line}`);
    else if (now.at - lastPrinted >= 10_000) {
      lastPrinted = now.at;
      console.log(line);
    }
  }, 1000);
  let printed = false;
  const report = () => {
    if (printed) return;
    printed = true;
    clearInterval(timer);
    if (tty) process.stdout.write('\n');
    console.log(summary(cohort.metrics, o.candidates, Date.now() - t0));
  };
  let stopped = false;
  const ended = cohort.done.then(() => {
    if (stopped) return;
    report();
    if (!o.check) console.log('cohort: the exam is over; the services keep running (Ctrl-C stops them).');
  });
  return {
    cohort,
    ended,
    async finish() {
      stopped = true;
      await cohort.stop();
      report();
    },
  };
}
