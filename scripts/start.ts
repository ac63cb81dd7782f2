// `npm start`: sets up whatever is missing (deps, the local stack, migrations), then runs the edge, the processor
// and the dashboard in the foreground and prints their URLs. Ctrl-C stops the three; the stack keeps running
// until `npm run stack:down`.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };

function step(label: string, cmd: string, args: string[]): void {
  console.log(`start: ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`start: ${label} failed (exit ${r.status}); see the messages above`);
    process.exit(1);
  }
}

step('dependencies', 'scripts/ensure-deps.sh', []);
step('local stack (Kafka, bridge, Redis + Upstash shim, MySQL migrations)', 'node', ['infra/stack/up.ts']);
step('dashboard build', 'npm', ['run', 'build', '-w', '@proctor/dashboard']);

const services: { name: string; url: string; cmd: string; args: string[] }[] = [
  { name: 'edge', url: 'http://127.0.0.1:18787', cmd: 'npm', args: ['run', 'dev', '-w', '@proctor/edge'] },
  { name: 'processor', url: 'http://127.0.0.1:19464/metrics', cmd: 'node', args: ['processor/src/main.ts'] },
  { name: 'dashboard', url: 'http://127.0.0.1:14321', cmd: 'node', args: ['dashboard/scripts/serve.ts'] },
];

const children: ChildProcess[] = [];
for (const s of services) {
  // Its own process group: `npm run dev` → sh → wrangler → workerd must all stop with it, not just npm.
  const child = spawn(s.cmd, s.args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = `[${s.name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line) process.stdout.write(`${prefix}${line}\n`);
    });
  }
  child.on('exit', (code) => {
    console.error(`${prefix}exited with ${code}; stopping the others`);
    shutdown(1);
  });
  children.push(child);
}

console.log('\nProctoring platform is starting:');
for (const s of services) console.log(`  ${s.name.padEnd(10)} ${s.url}`);
console.log('  candidate  http://127.0.0.1:14321/exam   (token: npm run token -- --tenant t1 --schedule s1 --user u1)');
console.log('Ctrl-C stops these three; `npm run stack:down` stops the stack.\n');

let stopping = false;
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const c of children) {
    try {
      if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  setTimeout(() => process.exit(code), 5_000).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
