// The real edge for tests and benchmarks (@proctor/testkit/edge): startEdge serves the Worker in workerd,
// startEdgeUnderTest gives each test file its own topic and key prefix, and a candidate client speaks the API.
// Node only.
export * from './client.ts';
export * from './edgeUnderTest.ts';
export * from './faultyProxy.ts';
export * from './kafkaTopic.ts';
export * from './serveWorkerd.ts';
export * from './shimShards.ts';
export * from './startEdge.ts';
export * from './unmaskedPartitionProxy.ts';
export * from './walkthrough.ts';
