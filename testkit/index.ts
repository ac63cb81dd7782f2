// Test and dev tooling shared by every workspace, imported by name (@proctor/testkit); nothing in src/ imports it.
export * from './devKeys.ts';
export * from './mysql.ts';
export * from './redis.ts';
export * from './redisCluster.ts';
