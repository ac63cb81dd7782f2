// @proctor/client/transport: the delivery half of the library (edge API, offline queue, sender, heartbeats) with no
// DOM, camera or model imports, so Node programs (the simulated cohort) drive the same code a browser runs.
export { BACKOFF_DEFAULTS, backoffDelayMs, parseRetryAfter } from './backoff.ts';
export { type ApiFailure, type ApiResult, createEdgeApi, type EdgeApi, type EdgeApiOptions } from './edgeApi.ts';
export {
  createMemoryQueue,
  type EventQueue,
  type MemoryQueueStore,
  openIndexedDbQueue,
  type QueuedEvent,
} from './eventQueue.ts';
export {
  type ConnectionState,
  createEventSender,
  type DeliveryStats,
  type EventSender,
  type EventSenderOptions,
} from './eventSender.ts';
export { heartbeatDue } from './heartbeat.ts';
export { readExamClaims, sessionIdFromToken } from './sessionIdentity.ts';
