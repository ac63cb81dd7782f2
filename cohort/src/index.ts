// @proctor/cohort: simulated candidates for `npm start`, the cohort benchmark and control runs of the fault suite.
export type { CandidateOutcome } from './candidate.ts';
export { busiestSchedule, type RunningCohort, startCohort } from './cohort.ts';
export {
  expectedWorkload,
  type FixedWorkloadResult,
  runFixedWorkload,
} from './fixedWorkload.ts';
export { type CohortMetrics, createMetrics, percentile } from './metrics.ts';
export {
  ALERTING,
  type Behaviour,
  planCohort,
} from './mix.ts';
export { progressLine, summary } from './progress.ts';
