// A Kafka REST v2 proxy in front of the bridge that partitions as Redpanda's HTTP proxy does (partitioners.cc): the
// key's murmur2 taken as unsigned, no Java sign mask. A record that names its partition passes unchanged. Node only.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { murmur2 } from '@proctor/contracts';

export interface UnmaskedPartitionProxy {
  url: string;
  close(): Promise<void>;
}

const utf8 = new TextEncoder();
/** The JSON embedded format puts the key on the wire as JSON: those are the bytes a broker-side partitioner hashes. */
const unmaskedPartition = (key: unknown, partitions: number) =>
  (murmur2(utf8.encode(JSON.stringify(key))) >>> 0) % partitions;

export async function startUnmaskedPartitionProxy(
  upstream: string,
  partitions: number,
): Promise<UnmaskedPartitionProxy> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.method === 'POST' && req.url?.startsWith('/topics/')) {
        const parsed = JSON.parse(body.toString()) as { records: { key?: unknown; partition?: number }[] };
        for (const r of parsed.records) {
          if (r.partition === undefined && r.key !== undefined) r.partition = unmaskedPartition(r.key, partitions);
        }
        body = Buffer.from(JSON.stringify(parsed));
      }
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      const up = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => res.writeHead(502).end());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
