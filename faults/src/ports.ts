// The suite's own listening ports: FAULTS_PORT_BASE (default 24100) and the next 29, one fixed role each, so that
// the suite never takes a port of the stack, the machine's servers or another engineer's range.
const base = Number(process.env.FAULTS_PORT_BASE ?? 24100);
if (!Number.isInteger(base) || base < 1024 || base > 65_000)
  throw new Error(`FAULTS_PORT_BASE must be a port number (got "${process.env.FAULTS_PORT_BASE}")`);

let nextMetrics = 0;

export const PORTS = {
  /** The private mariadbd the suite stops and starts. */
  mariadb: base,
  /** The private redis-server the processor and the shim share. */
  redis: base + 1,
  shim: base + 2,
  edge: base + 3,
  /** The TCP proxy between the processor and Redis (the partition case). */
  redisProxy: base + 4,
  /** The TCP proxy between the doomed processor and MySQL (the kill case holds its chunk there). */
  mysqlProxy: base + 5,
  /** A processor's metrics port: ten in turn from base + 10. */
  metrics: () => base + 10 + (nextMetrics++ % 10),
} as const;
