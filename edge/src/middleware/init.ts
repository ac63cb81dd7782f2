// Builds the per-request services (Redis, Kafka producer, clock, logger) under the request's id, and logs the outcome:
// every refusal and failure, and the share ACCESS_LOG_SAMPLE_RATE of the answered requests (Workers Logs bills each
// line, and a candidate's heartbeats are most requests).

import { createLogger } from '@proctor/contracts';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Clock } from '../context.ts';
import type { EdgeEnv } from '../env.ts';
import { upstashFailureNotes, withOutageNotes } from '../kafka/outageNotes.ts';
import { createProducer } from '../kafka/producer.ts';
import { createEdgeShards } from '../services/redis.ts';

const systemClock: Clock = { now: () => Date.now() };

export function init(config: EdgeEnv): MiddlewareHandler<AppEnv> {
  return async function initServices(c, next) {
    // Set by hono/request-id (app.ts), which also echoes it as X-Request-Id.
    const requestId = c.get('requestId');
    const logger = createLogger(config.LOG_LEVEL, { requestId });
    c.set('config', config);
    c.set('logger', logger);
    c.set('clock', systemClock);
    // `redis` (the caller's session shard) is set by the auth middleware, once the token names the session.
    c.set('shards', createEdgeShards(config));
    // A failing produce notes its second on the caller's session shard (kafka/outageNotes.ts): the liveness sweeper
    // then holds back the lapses an outage of the produce path would fake.
    const notes = () => {
      const redis = c.get('redis') as AppEnv['Variables']['redis'] | undefined;
      return redis && upstashFailureNotes(redis, config.REDIS_KEY_PREFIX);
    };
    c.set('producer', withOutageNotes(createProducer(config), notes, systemClock.now));
    const requestLog: Record<string, unknown> = {};
    c.set('requestLog', requestLog);
    const started = Date.now();
    await next();
    const status = c.res.status;
    const sampled = status < 400 && config.ACCESS_LOG_SAMPLE_RATE < 1;
    if (sampled && !(Math.random() < config.ACCESS_LOG_SAMPLE_RATE)) return;
    logger.info('http_request', {
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      status,
      durationMs: Date.now() - started,
      // A sampled line stands for 1 / sampleRate requests of its kind.
      ...(sampled && { sampleRate: config.ACCESS_LOG_SAMPLE_RATE }),
      ...requestLog,
    });
  };
}
