// Redis connections for the shim: one shared pipelined connection, plus leased ones for MULTI/EXEC and blocking calls.
import { RespConnection } from './resp.ts';

export class RedisPool {
  private readonly host: string;
  private readonly port: number;
  private shared: Promise<RespConnection> | undefined;
  private readonly idle: RespConnection[] = [];
  /** Idle leased connections kept for reuse; more than this are closed on release. */
  private readonly maxIdle = 8;

  constructor(host: string, port: number) {
    this.host = host;
    this.port = port;
  }

  /** The shared connection; reopened on the next call after it dies, so a Redis restart heals by itself. */
  async sharedConnection(): Promise<RespConnection> {
    const current = this.shared ? await this.shared.catch(() => undefined) : undefined;
    if (current && !current.closed) return current;
    this.shared = RespConnection.open(this.host, this.port);
    return this.shared;
  }

  /** A connection no other request uses until `release`: MULTI state must not leak into other commands. */
  async lease(): Promise<RespConnection> {
    while (this.idle.length > 0) {
      const conn = this.idle.pop();
      if (conn && !conn.closed) return conn;
    }
    return RespConnection.open(this.host, this.port);
  }

  release(conn: RespConnection, reusable: boolean): void {
    if (reusable && !conn.closed && this.idle.length < this.maxIdle) this.idle.push(conn);
    else conn.close();
  }

  close(): void {
    for (const conn of this.idle.splice(0)) conn.close();
    void this.shared?.then((c) => c.close()).catch(() => undefined);
    this.shared = undefined;
  }
}
