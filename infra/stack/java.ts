// Finds Java 17+ and runs short-lived Java tools (the Kafka storage formatter).
import { spawn, spawnSync } from 'node:child_process';

/** Throws a readable error unless `java` on PATH is version 17 or newer. */
export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    throw new Error('Java not found: install OpenJDK 17+ (apt-get install openjdk-17-jre-headless)');
  const match = /version "(\d+)/.exec(probe.stderr);
  const major = match ? Number(match[1]) : 0;
  if (major < 17) throw new Error(`Java ${major || '?'} found, but Kafka 4 needs OpenJDK 17+`);
}

export function runJava(args: string[], what: string): void {
  const run = spawnSync('java', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.status !== 0) throw new Error(`could not ${what}:\n${(run.stdout + run.stderr).slice(-2000)}`);
}

/** runJava without blocking the event loop, so several run at once and health probes keep running meanwhile. */
export function runJavaAsync(args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`could not ${what}:\n${out.slice(-2000)}`)),
    );
  });
}
