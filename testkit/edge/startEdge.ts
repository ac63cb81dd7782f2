// Test helpers for anyone who needs the real edge (client browser tests, dashboard tests, our own integration
// tests). Node only.
//
//   import { mintDevToken } from '@proctor/testkit';
//   import { startEdge } from '@proctor/testkit/edge';
//   const edge = await startEdge({ port: 0, env: { KAFKA_TOPIC: 'my-test-topic', REDIS_KEY_PREFIX: 'test-abc' } });
//   const token = await mintDevToken({ tenant_id: 't1', exam_schedule_id: 's1', user_id: 'u1', attempt_no: 1 });
//   await fetch(`${edge.url}/sessions/start`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
//   await edge.stop();
//
// startEdge bundles the Worker once per process (wrangler's own bundler, as `wrangler deploy` does) and serves it
// in real workerd through Miniflare's programmatic API: no cf.json fetch (cf: false), an explicit host and port
// (0 = ephemeral; never 8787), and the local stack's Upstash shim and Kafka REST bridge (infra/stack/config.ts)
// unless `env` overrides them. Tokens verify against the dev public key (testkit/.dev-keys/, made on first use).
// mintDevToken(claims, { expSeconds, issuer, audience, header }) signs with the matching dev private key.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { edgeShardEnv, stackConfig } from '@proctor/infra/stack/config';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { DEV_AUDIENCE, DEV_ISSUER, devPublicKeyPem } from '../devKeys.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const WRANGLER_TOML = join(ROOT, 'wrangler.toml');

export interface StartEdgeOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Worker environment overrides (strings), on top of the local-stack defaults. */
  env?: Record<string, string>;
  /**
   * Serve the Worker on its own socket, bypassing Miniflare's entry router (benchmarks: only the Worker's own
   * cost is then on the clock). `url` points at that socket.
   */
  direct?: boolean;
  /** Receives every line the Worker logs (stdout and stderr); lines are also kept in `logs`. */
  onLog?: (line: string) => void;
}

export interface StartedEdge {
  url: string;
  /** Everything the Worker wrote to stdout/stderr so far (JSON log lines, among others). */
  logs: string[];
  /** The Miniflare instance, for tests that need more. */
  miniflare: Miniflare;
  stop(): Promise<void>;
}

let bundle: Promise<string> | undefined;

/** Bundles edge/src with `wrangler deploy --dry-run` (offline), once per process. Returns the module path. */
export function bundleEdge(): Promise<string> {
  bundle ??= new Promise<string>((done, fail) => {
    const outdir = mkdtempSync(join(tmpdir(), 'proctor-edge-'));
    const wrangler = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
    const child = spawn(
      process.execPath,
      [wrangler, 'deploy', '--dry-run', '--outdir', outdir, '--config', WRANGLER_TOML],
      {
        cwd: ROOT,
        env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const main = readdirSync(outdir).find((f) => f.endsWith('.js'));
      if (code !== 0 || !main) fail(new Error(`edge bundle failed (exit ${code}):\n${output}`));
      else done(join(outdir, main));
    });
  });
  return bundle;
}

function compatibilityDate(): string {
  const match = /^compatibility_date\s*=\s*"([0-9-]+)"/m.exec(readFileSync(WRANGLER_TOML, 'utf8'));
  if (!match?.[1]) throw new Error('wrangler.toml has no compatibility_date');
  return match[1];
}

/** The Worker's env against the local stack, as .dev.vars and startEdge use it. */
export async function localStackEnv(): Promise<Record<string, string>> {
  const stack = stackConfig();
  return {
    // The local stack has no REST credentials, CORS list or fixed partition count: development lifts those checks.
    ENVIRONMENT: 'development',
    // Every shard of the stack (UPSTASH_SHARDS; one by default), as comma lists.
    ...edgeShardEnv(stack.shim),
    KAFKA_REST_URL: stack.bridge.url,
    KAFKA_REST_FLAVOR: 'v2',
    KAFKA_TOPIC: stack.topics.events,
    JWT_PUBLIC_KEY: await devPublicKeyPem(),
    JWT_ISSUER: DEV_ISSUER,
    JWT_AUDIENCE: DEV_AUDIENCE,
    LOG_LEVEL: 'info',
    S3_ENDPOINT: stack.s3.url,
    S3_BUCKET: stack.s3.bucket,
    S3_ACCESS_KEY_ID: stack.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: stack.s3.secretAccessKey,
    S3_REGION: 'us-east-1',
  };
}

/**
 * .dev.vars for `npm run dev:edge`: the local stack's env, naming partitions over the stack topic's count as a
 * deployed edge does (startEdge leaves it unset: tests bring topics of their own sizes).
 */
export async function localDevEnv(): Promise<Record<string, string>> {
  return { ...(await localStackEnv()), KAFKA_TOPIC_PARTITIONS: String(stackConfig().topics.eventsPartitions) };
}

export async function startEdge(options: StartEdgeOptions = {}): Promise<StartedEdge> {
  const host = options.host ?? '127.0.0.1';
  if (options.port === 8787) throw new Error('port 8787 is taken on these machines; pick another (or 0)');
  const scriptPath = await bundleEdge();
  const bindings = { ...(await localStackEnv()), ...options.env };
  const logs: string[] = [];
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      name: 'proctor-edge',
      modules: true,
      scriptPath,
      // Module names are paths relative to this root; the bundle lives in a temp dir outside the repo.
      modulesRoot: dirname(scriptPath),
      compatibilityDate: compatibilityDate(),
      bindings,
      host,
      port: options.port ?? 0,
      cf: false,
      handleStructuredLogs({ message }) {
        logs.push(message);
        options.onLog?.(message);
      },
      ...(options.direct ? { unsafeDirectSockets: [{ host, port: 0 }] } : {}),
    }),
  );
  try {
    const entry = await miniflare.ready;
    const url = options.direct ? await miniflare.unsafeGetDirectURL() : entry;
    return { url: url.origin, logs, miniflare, stop: () => miniflare.dispose() };
  } catch (err) {
    await miniflare.dispose().catch(() => {});
    throw new Error(`edge did not start: ${err instanceof Error ? err.message : err}\n${logs.join('\n')}`);
  }
}
