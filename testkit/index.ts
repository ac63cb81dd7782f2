// Test and dev tooling shared by every workspace, imported by name (@proctor/testkit); nothing in src/ imports it.
// The real edge is its own entry, @proctor/testkit/edge (it loads Miniflare); so are the Chromium launcher
// (@proctor/testkit/browser) and the fake camera with its sample photos (@proctor/testkit/camera).
export * from './corsProxy.ts';
export * from './dashboardBuild.ts';
export * from './dashboardServer.ts';
export * from './devKeys.ts';
export * from './issuer.ts';
export * from './mysql.ts';
export * from './net.ts';
export * from './privateServers.ts';
export * from './processorChild.ts';
export * from './redis.ts';
export * from './redisCluster.ts';
export * from './saslKafka.ts';
export * from './tcpProxy.ts';
