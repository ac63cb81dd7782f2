// A small S3 API client on aws4fetch (fetch + WebCrypto, so the same code runs in workerd, Node and the dashboard):
// path-style requests against S3Proxy and MinIO locally, R2 or S3 in production.
import { AwsClient } from 'aws4fetch';

export interface ObjectStoreConfig {
  /** Base URL of the S3 API, e.g. http://127.0.0.1:9000 (S3Proxy, MinIO) or https://<account>.r2.cloudflarestorage.com. */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `auto` for R2; S3Proxy and MinIO take any region. */
  region: string;
  timeoutMs?: number;
}

export interface StoredObject {
  bytes: Uint8Array<ArrayBuffer>;
  contentType: string;
}

interface ListedObject {
  key: string;
  lastModified: number;
  size: number;
}

/** A failed S3 call (network, timeout, 5xx): callers turn it into their own 503. Expected misses are values. */
class ObjectStoreError extends Error {
  constructor(op: string, detail: string) {
    super(`object store ${op} failed: ${detail}`);
    this.name = 'ObjectStoreError';
  }
}

export interface ObjectStore {
  readonly bucket: string;
  /** Creates the bucket unless it exists (local stacks; production buckets are made by their owner). */
  ensureBucket(): Promise<void>;
  /** True when the S3 API answers a signed request (the bucket may not exist yet). */
  ping(): Promise<boolean>;
  put(key: string, bytes: Uint8Array<ArrayBuffer>, contentType: string): Promise<void>;
  /** null when there is no such object. */
  get(key: string): Promise<StoredObject | null>;
  exists(key: string): Promise<boolean>;
  /** Every object under `prefix`, following continuation tokens (`pageSize` keys per request, at most 1000). */
  list(prefix: string, pageSize?: number): Promise<ListedObject[]>;
  /** Deleting a missing key is not an error (S3 answers 204 either way). */
  delete(key: string): Promise<void>;
}

const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');

function xmlValues(xml: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g');
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push(decodeXml(m[1] ?? ''));
  return out;
}

const decodeXml = (s: string) =>
  s
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');

export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  const client = new AwsClient({
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    service: 's3',
    region: config.region,
    retries: 0,
  });
  const base = `${config.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(config.bucket)}`;
  const timeoutMs = config.timeoutMs ?? 5000;

  async function call(op: string, url: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await client.fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new ObjectStoreError(op, String(err));
    }
  }
  async function fail(op: string, res: Response): Promise<never> {
    const body = await res.text().catch(() => '');
    throw new ObjectStoreError(op, `HTTP ${res.status} ${xmlValues(body, 'Code')[0] ?? ''}`.trim());
  }

  return {
    bucket: config.bucket,
    async ensureBucket() {
      const res = await call('create bucket', base, { method: 'PUT' });
      const body = await res.text();
      if (res.ok) return;
      const code = xmlValues(body, 'Code')[0];
      if (res.status === 409 && (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists')) return;
      throw new ObjectStoreError('create bucket', `HTTP ${res.status} ${code ?? ''}`);
    },
    async ping() {
      try {
        const res = await client.fetch(`${config.endpoint.replace(/\/+$/, '')}/`, {
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer();
        return res.status === 200;
      } catch {
        return false;
      }
    },
    async put(key, bytes, contentType) {
      const res = await call('put', `${base}/${encodeKey(key)}`, {
        method: 'PUT',
        body: bytes,
        headers: { 'content-type': contentType },
      });
      if (!res.ok) await fail('put', res);
      await res.arrayBuffer();
    },
    async get(key) {
      const res = await call('get', `${base}/${encodeKey(key)}`);
      if (res.status === 404) {
        await res.arrayBuffer();
        return null;
      }
      if (!res.ok) await fail('get', res);
      return {
        bytes: new Uint8Array(await res.arrayBuffer()),
        contentType: res.headers.get('content-type') ?? 'application/octet-stream',
      };
    },
    async exists(key) {
      const res = await call('head', `${base}/${encodeKey(key)}`, { method: 'HEAD' });
      await res.arrayBuffer();
      if (res.status === 404) return false;
      if (!res.ok) throw new ObjectStoreError('head', `HTTP ${res.status}`);
      return true;
    },
    async list(prefix, pageSize = 1000) {
      const out: ListedObject[] = [];
      let token: string | undefined;
      do {
        const q = new URLSearchParams({ 'list-type': '2', prefix, 'max-keys': String(pageSize) });
        if (token) q.set('continuation-token', token);
        const res = await call('list', `${base}?${q}`);
        if (!res.ok) await fail('list', res);
        const xml = await res.text();
        for (const item of xml.split('<Contents>').slice(1)) {
          out.push({
            key: xmlValues(item, 'Key')[0] ?? '',
            lastModified: Date.parse(xmlValues(item, 'LastModified')[0] ?? ''),
            size: Number(xmlValues(item, 'Size')[0] ?? 0),
          });
        }
        token = xmlValues(xml, 'IsTruncated')[0] === 'true' ? xmlValues(xml, 'NextContinuationToken')[0] : undefined;
      } while (token);
      return out;
    },
    async delete(key) {
      const res = await call('delete', `${base}/${encodeKey(key)}`, { method: 'DELETE' });
      if (!res.ok && res.status !== 404) await fail('delete', res);
      await res.arrayBuffer();
    },
  };
}
