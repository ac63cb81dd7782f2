// A TCP proxy that counts the commands a client sends through it: one server's traffic by source, where the
// server's own counters (MariaDB's Questions, Redis's commandstats) add up every client, and are shared besides.
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

/** Counts the commands in one connection's client → server bytes, chunk by chunk. */
export type CommandCounter = () => (chunk: Buffer) => number;

/**
 * One step of a protocol reader: what it read from the front of `buf` (`used` bytes, `commands` commands, then
 * `skip` bytes of payload to pass over), or undefined until more bytes arrive.
 */
type Step = (buf: Buffer) => { used: number; commands: number; skip: number } | undefined;

/** A counter from a per-connection reader: bytes a step has not finished are kept for the next chunk. */
function counter(newStep: () => Step): CommandCounter {
  return () => {
    const step = newStep();
    let pending = Buffer.alloc(0);
    let skip = 0;
    return (chunk) => {
      let n = 0;
      let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const taken = Math.min(skip, buf.length);
        skip -= taken;
        buf = buf.subarray(taken);
        if (skip) break;
        const read = step(buf);
        if (!read) break;
        n += read.commands;
        skip = read.skip;
        buf = buf.subarray(read.used);
      }
      pending = Buffer.from(buf);
      return n;
    };
  };
}

/**
 * MySQL client packets: 3-byte little-endian length, sequence id, payload. A command (COM_QUERY, COM_PING, …) is a
 * packet with sequence id 0; the handshake and auth packets that follow a server packet are not.
 */
export const mysqlCommands = counter(
  () => (buf) => (buf.length < 4 ? undefined : { used: 4, commands: buf[3] === 0 ? 1 : 0, skip: buf.readUIntLE(0, 3) }),
);

/**
 * MySQL commands as mysqlCommands counts them, each text query (COM_QUERY: mysql2's `query`, parameters substituted
 * in the client) also tallied under `kind(sql)`: where one client's queries go, by statement.
 */
export function mysqlQueriesBy(kind: (sql: string) => string, tally: Map<string, number>): CommandCounter {
  return counter(() => (buf) => {
    if (buf.length < 4) return undefined;
    const length = buf.readUIntLE(0, 3);
    if (buf[3] !== 0) return { used: 4, commands: 0, skip: length };
    if (buf[4] === undefined) return undefined;
    if (buf[4] !== 0x03) return { used: 4, commands: 1, skip: length };
    if (buf.length < 4 + length) return undefined;
    const k = kind(buf.subarray(5, 4 + length).toString('utf8'));
    tally.set(k, (tally.get(k) ?? 0) + 1);
    return { used: 4 + length, commands: 1, skip: 0 };
  });
}

/** Redis RESP: every command is an array of bulk strings (`*N`, then N × `$len` and the bytes). */
export const redisCommands = counter(() => {
  let args = 0;
  return (buf) => {
    const eol = buf.indexOf('\r\n');
    if (eol < 0) return undefined;
    const line = buf.subarray(0, eol).toString('latin1');
    if (line.startsWith('*')) {
      args = Number(line.slice(1));
      return { used: eol + 2, commands: 1, skip: 0 };
    }
    if (line.startsWith('$') && args > 0) {
      args--;
      return { used: eol + 2, commands: 0, skip: Number(line.slice(1)) + 2 };
    }
    return { used: eol + 2, commands: 0, skip: 0 };
  };
});

export interface CountingProxy {
  port: number;
  /** Commands sent through the proxy so far, over every connection. */
  count(): number;
  close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number, commands: CommandCounter): Promise<CountingProxy> {
  let total = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const counts = commands();
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      total += counts(chunk);
    });
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    count: () => total,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
