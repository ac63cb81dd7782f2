// POST /api/sessions/:sessionId/receipt: verifies a candidate's receipt against what the system holds for the
// session (the chain itself, and every event the alerts hold as evidence).
import { ApiError, jsonContent, Receipt } from '@proctor/contracts';
import { z } from 'zod';
import {
  parseReceipt,
  RECEIPT_CHECKS_PER_MINUTE,
  RECEIPT_MAX_EVENTS,
  verifyInChunks,
} from '../../../receipt/boundedReceipt.ts';
import { consume } from '../../../redis/rateLimit.ts';
import { loadSessionDetail } from '../../load.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';
import { ReceiptResult, SessionParams } from '../../schemas.ts';

/**
 * A receipt lists every event the client sent, about 300 B each in canonical JSON, and one check takes at most
 * RECEIPT_MAX_EVENTS; a three-hour exam sends a few hundred. Its JSON.parse is the one step of the check that is not
 * chunked, so this limit is what bounds it. The adapter's backstop (astro.config.mjs) is just above it.
 */
const RECEIPT_BODY_LIMIT = 2 * 1024 * 1024;

/**
 * The receipt's envelope is validated here; its events are counted first and then validated in chunks by the
 * handler (server/receipt/boundedReceipt.ts), so a huge list never runs through one schema in one go.
 */
const ReceiptUpload = Receipt.extend({
  events: z
    .array(z.unknown())
    .describe(
      `The receipt's events (each an AnomalyEvent), at most ${RECEIPT_MAX_EVENTS} (413 RECEIPT_TOO_MANY_EVENTS)`,
    ),
});

const PER_PROCTOR = { name: 'receipt', limit: RECEIPT_CHECKS_PER_MINUTE, windowMs: 60_000 };

const route = apiRoute({
  method: 'post',
  path: '/api/sessions/{sessionId}/receipt',
  operationId: 'receipt',
  summary:
    "Verify a candidate's downloaded receipt against what the system holds for the session (the hash chain, and " +
    'every event kept as alert evidence); a changed, dropped or reordered event gives ok: false with the problems. ' +
    `At most ${RECEIPT_MAX_EVENTS} events (413 RECEIPT_TOO_MANY_EVENTS) and ${RECEIPT_CHECKS_PER_MINUTE} checks a ` +
    'minute per proctor (429 RATE_LIMITED)',
  role: 'proctor',
  bodyLimit: RECEIPT_BODY_LIMIT,
  errors: ['NOT_FOUND', 'RECEIPT_TOO_MANY_EVENTS', 'RATE_LIMITED'],
  request: { params: SessionParams, body: { required: true, content: jsonContent(ReceiptUpload) } },
  responses: { 200: { description: 'The verdict', content: jsonContent(ReceiptResult) } },
});

export const receipt = dashboardRoute(route, async (c) => {
  const { principal, services } = c.var;
  const { sessionId } = c.req.valid('param');
  const budget = await consume(
    services.redis,
    services.redisPrefix,
    PER_PROCTOR,
    `${principal.tenantId}\u0000${principal.sub}`,
  );
  if (!budget.ok) {
    throw new ApiError('RATE_LIMITED', `too many receipt checks; try again in ${budget.retryAfterSeconds} s`, {
      headers: { 'retry-after': String(budget.retryAfterSeconds) },
    });
  }
  const detail = await loadSessionDetail(c.var, sessionId);
  if (!detail) throw new ApiError('NOT_FOUND', 'no such session in your tenant');
  const parsed = await parseReceipt(c.req.valid('json'));
  if (!parsed.ok) throw new ApiError(parsed.code, parsed.message, { details: parsed.issues });
  const held = detail.alerts.flatMap((a) => a.evidence);
  const result: ReceiptResult = { sessionId, ...(await verifyInChunks(sessionId, parsed.receipt, held)) };
  return c.json(result, 200);
});
