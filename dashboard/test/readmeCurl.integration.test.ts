// README.md's "Try it with curl", run as written: each ```sh block in bash, in order, against the real edge
// (workerd), Kafka, the processor, MariaDB and the dashboard; each ```text block after it is the output it must
// print. The README cannot drift from the API.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DEV_DASHBOARD_AUDIENCE,
  DEV_ISSUER,
  devPublicKeyPem,
  freePort,
  type ProcessorChild,
  type RunningDashboard,
  startDashboard,
  startProcessor,
} from '@proctor/testkit';
import { type StartedEdge, startEdge } from '@proctor/testkit/edge';
import { type TestEnv, testEnv } from '@proctor/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard, rand } from './testDashboard.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

interface Step {
  script: string;
  /** The ```text block right after it: what the script prints. */
  expected?: string;
}

/** The section's fenced blocks, in order: each sh block with the text block that follows it, if any. */
function curlSteps(readme: string): Step[] {
  const start = readme.indexOf('\n## Try it with curl\n');
  if (start < 0) throw new Error('README.md has no "## Try it with curl" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const steps: Step[] = [];
  for (const [, lang, body] of section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)) {
    if (lang === 'sh') steps.push({ script: body! });
    else if (lang === 'text' && steps.length > 0 && steps.at(-1)!.expected === undefined) {
      steps.at(-1)!.expected = body!.trim();
    } else throw new Error(`unexpected \`\`\`${lang} block in "Try it with curl"`);
  }
  return steps;
}

/**
 * Runs one block in its own bash, as a reader's terminal would after the earlier blocks: the shell variables the
 * blocks assign are carried from block to block through a state file.
 */
function runBlock(script: string, names: string[], stateFile: string, env: Record<string, string>) {
  const carry = names.map((n) => `declare -p ${n} 2>/dev/null || true`).join('\n');
  const wrapped = `set -euo pipefail\n[ -f '${stateFile}' ] && source '${stateFile}'\n${script}\n{\n${carry}\n} > '${stateFile}'\n`;
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn('bash', ['-c', wrapped], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let env: TestEnv;
let edge: StartedEdge;
let processor: ProcessorChild;
let dashboard: RunningDashboard;

beforeAll(async () => {
  env = await testEnv(3);
  const outDir = buildDashboard();
  [edge, processor, dashboard] = await Promise.all([
    startEdge({ env: { KAFKA_TOPIC: env.topic, REDIS_KEY_PREFIX: env.prefix } }),
    startProcessor(env.env),
    startDashboard({
      outDir,
      port: await freePort(),
      env: {
        JWT_PUBLIC_KEY: await devPublicKeyPem(),
        JWT_ISSUER: DEV_ISSUER,
        JWT_AUDIENCE: DEV_DASHBOARD_AUDIENCE,
        MYSQL_URL: env.db.url,
        REDIS_URL: env.env.REDIS_URL!,
        REDIS_KEY_PREFIX: env.prefix,
        COOKIE_SECRET: rand(32),
      },
    }),
  ]);
}, 240_000);

afterAll(async () => {
  await dashboard?.stop();
  await processor?.stop('SIGTERM');
  await edge?.stop();
  await env?.cleanup();
}, 60_000);

describe('README: Try it with curl', () => {
  // No retry: a second run would find the README's fixed session already fed (duplicates, not accepted).
  it('runs every block as written and prints what the README says', { timeout: 180_000, retry: 0 }, async () => {
    const steps = curlSteps(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(steps.length).toBeGreaterThanOrEqual(4);
    const names = [
      ...new Set(steps.flatMap((s) => [...s.script.matchAll(/(?:^|\s)([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!))),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'readme-curl-'));
    const stateFile = join(dir, 'state.sh');
    const urls = { EDGE: edge.url, DASHBOARD: dashboard.url };
    try {
      for (const [i, step] of steps.entries()) {
        // The README tells the reader to run the dashboard query again while it prints nothing: so does this test.
        let out = '';
        for (let attempt = 0; ; attempt++) {
          const r = await runBlock(step.script, names, stateFile, urls);
          expect({ block: i + 1, code: r.code, stderr: r.stderr }).toEqual({ block: i + 1, code: 0, stderr: '' });
          out = r.stdout.trim();
          if (out !== '' || step.expected === undefined || attempt >= 30) break;
          await new Promise((res) => setTimeout(res, 1000));
        }
        if (step.expected !== undefined) expect({ block: i + 1, out }).toEqual({ block: i + 1, out: step.expected });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
