// Test and dev tooling shared by every workspace, imported by name (@proctor/testkit); nothing in src/ imports it.
// The real edge is its own entry, @proctor/testkit/edge (it loads Miniflare).
export * from './dashboardBuild.ts';
export * from './devKeys.ts';
export * from './issuer.ts';
export * from './mysql.ts';
export * from './net.ts';
export * from './processorChild.ts';
export * from './redis.ts';
export * from './redisCluster.ts';
