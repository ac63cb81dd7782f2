// Guards shared by the routes that act on an existing session: the body's sessionId must be the token's.
import { ApiError, type ErrorCode, type SessionId } from '@proctor/contracts';
import type { ActiveTouch, TouchResult } from './sessionLifecycle.ts';

/** What a route acting on an active session may answer besides body errors (for its OpenAPI contract). */
export const ACTIVE_SESSION_ERRORS: ErrorCode[] = [
  'SESSION_MISMATCH',
  'SESSION_NOT_FOUND',
  'SESSION_ENDED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
];

/**
 * The sessionId in a body is never an authority: the token's four claims name the session. A different id is
 * someone else's session (or a stale client) and is refused before any lookup.
 */
export function assertOwnSession(bodySessionId: SessionId, tokenSessionId: SessionId): void {
  if (bodySessionId !== tokenSessionId) {
    throw new ApiError(
      'SESSION_MISMATCH',
      'sessionId does not belong to this token; start the session with this token',
    );
  }
}

/** An existing, active session of the caller's tenant, or the error that says why not. */
export function assertActive(state: TouchResult, tenantId: string): asserts state is ActiveTouch {
  if (state.status === 'missing')
    throw new ApiError('SESSION_NOT_FOUND', 'no such session (expired or never started); call /sessions/start');
  // Unreachable while sessionIds are derived from the tenant, kept so that a key-layout change cannot leak.
  if (state.tenantId !== tenantId) throw new ApiError('FORBIDDEN', 'session belongs to another tenant');
  if (state.status === 'ended') throw new ApiError('SESSION_ENDED', 'this session has ended');
}
