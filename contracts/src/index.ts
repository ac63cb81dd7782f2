// The system's language: every service imports its schemas and types from here.
export * from './alerts.ts';
export * from './batch.ts';
export * from './env.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './ids.ts';
export * from './kafka.ts';
export * from './log.ts';
export * from './mysqlUtc.ts';
export * from './onDeviceEvents.ts';
export * from './policy.ts';
export * from './receipt.ts';
export * from './redisKeys.ts';
export * from './session.ts';
export * from './thumbnails.ts';
export * from './timestamps.ts';
export * from './token.ts';
