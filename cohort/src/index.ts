// @proctor/cohort: simulated candidates for `npm start`, the cohort benchmark and control runs of the fault suite.
export { type CandidateOutcome, type MintToken, runCandidate } from './candidate.ts';
export { busiestSchedule, type CohortOptions, type RunningCohort, startCohort } from './cohort.ts';
export {
  expectedWorkload,
  type FixedWorkloadOptions,
  type FixedWorkloadResult,
  fixedPlanOptions,
  runFixedWorkload,
} from './fixedWorkload.ts';
export { type CohortMetrics, createMetrics, percentile } from './metrics.ts';
export {
  ALERTING,
  BEHAVIOURS,
  type Behaviour,
  behaviourCounts,
  type CandidatePlan,
  DEFAULT_MIX,
  type PlanOptions,
  planCohort,
  plannedEventIds,
  schedules,
} from './mix.ts';
export { progressLine, summary } from './progress.ts';
