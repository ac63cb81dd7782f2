// A TCP proxy that adds a fixed round trip: each chunk waits half of it on the way out and half on the way back, in
// order (Node fires timers of one duration in the order they were set). It stands in for a Redis in another zone or
// region; bandwidth and loss are not modelled.
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

export interface DelayProxy {
  port: number;
  close(): Promise<void>;
}

export async function startDelayProxy(
  targetHost: string,
  targetPort: number,
  roundTripMs: number,
): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const half = roundTripMs / 2;
  const pipe = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => (half > 0 ? setTimeout(() => to.write(chunk), half) : to.write(chunk)));
    from.on('end', () => setTimeout(() => to.end(), half));
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    pipe(client, upstream);
    pipe(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
