// Ports for servers a test or dev tool starts.
import { type AddressInfo, createServer } from 'node:net';

/** A port nothing listens on right now (the OS picks it; never 8787, which is taken on these machines). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port === 8787 ? freePort() : port;
}
