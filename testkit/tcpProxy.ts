// A TCP proxy a test can cut and restore: a real outage from the client's view, without stopping the server.

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Closes the listener and resets every open connection: new connects are refused. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  /**
   * A server that hangs: connections are still accepted but nothing is forwarded either way, open ones included.
   * Undone by unstall(), which resets the hung connections (their protocol state is lost) and forwards again.
   */
  stall(): void;
  unstall(): void;
  close(): Promise<void>;
}

/** `listenPort` 0 (default) picks a free port; the fault suite passes one of its own. */
export async function startTcpProxy(targetHost: string, targetPort: number, listenPort = 0): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  const hung = new Set<Socket>();
  let stalled = false;
  let server: Server | undefined;
  let port = listenPort;
  const hang = (s: Socket) => {
    hung.add(s);
    s.on('error', () => undefined);
    s.on('close', () => hung.delete(s));
    s.resume(); // read and drop whatever the client sends
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        if (stalled) return hang(client);
        const upstream = connect(targetPort, targetHost);
        const pair: [Socket, Socket] = [client, upstream];
        pairs.add(pair);
        client.on('close', () => pairs.delete(pair));
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const cut = async () => {
    const closing = server;
    server = undefined;
    // Stop accepting first, then reset what is open; close() resolves once the last connection is gone.
    const closed = new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
    for (const s of sockets) s.resetAndDestroy();
    await closed;
  };
  const stall = () => {
    stalled = true;
    for (const pair of pairs) {
      const [client, upstream] = pair;
      pairs.delete(pair);
      // The upstream stays open and silent (closing it would close the client: a reset, not a hang).
      client.unpipe(upstream);
      upstream.unpipe(client);
      upstream.pause();
      hang(client);
    }
  };
  const unstall = () => {
    stalled = false;
    for (const s of hung) s.resetAndDestroy();
  };
  const close = async () => {
    unstall();
    await cut();
  };
  await listen();
  return { port, cut, restore: listen, stall, unstall, close };
}
