// Resolves the Kafka broker and REST bridge classpaths with Maven into the user cache, once per version.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from './config.ts';

interface Versions {
  kafka: string;
  log4j: string;
  jackson: string;
  [key: string]: string;
}

function readVersions(config: StackConfig): Versions {
  return JSON.parse(readFileSync(join(config.infraDir, 'versions.json'), 'utf8')) as Versions;
}

const COMPLETE = '.complete';

function mvn(args: string[], what: string): void {
  const probe = spawnSync('mvn', ['-v'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`Maven not found: install it (apt-get install maven) to fetch ${what} from Maven Central`);
  }
  const run = spawnSync('mvn', ['-q', '-B', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.status !== 0) {
    throw new Error(`Maven failed fetching ${what}:\n${(run.stdout + run.stderr).slice(-3000)}`);
  }
}

/** Builds into a temp dir and renames it into place, so an interrupted run never leaves a half-filled cache. */
function cached(dir: string, build: (tmp: string) => void): string {
  if (existsSync(join(dir, COMPLETE))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    build(tmp);
    writeFileSync(join(tmp, COMPLETE), new Date().toISOString());
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** infra/kafka/pom.xml → <cache>/kafka-<version>/libs. Maven is skipped when the libs are already there. */
export function ensureKafkaLibs(config: StackConfig): string {
  const v = readVersions(config);
  const dir = cached(join(config.cacheDir, `kafka-${v.kafka}-log4j-${v.log4j}`), (tmp) => {
    mvn(
      [
        '-f',
        join(config.infraDir, 'kafka', 'pom.xml'),
        `-Dkafka.version=${v.kafka}`,
        `-Dlog4j.version=${v.log4j}`,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${join(tmp, 'libs')}`,
        '-DincludeScope=runtime',
      ],
      `Apache Kafka ${v.kafka}`,
    );
  });
  return join(dir, 'libs');
}

/** infra/s3proxy/pom.xml → <cache>/s3proxy-<version>/libs (S3Proxy and its jclouds filesystem backend). */
export function ensureS3ProxyLibs(config: StackConfig): string {
  const v = readVersions(config);
  const dir = cached(join(config.cacheDir, `s3proxy-${v.s3proxy}`), (tmp) => {
    mvn(
      [
        '-f',
        join(config.infraDir, 's3proxy', 'pom.xml'),
        `-Ds3proxy.version=${v.s3proxy}`,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${join(tmp, 'libs')}`,
        '-DincludeScope=runtime',
      ],
      `S3Proxy ${v.s3proxy}`,
    );
  });
  return join(dir, 'libs');
}

/** The bridge is compiled from infra/bridge; its cache key covers the sources, so an edit rebuilds it. */
export function ensureBridgeLibs(config: StackConfig): string {
  const v = readVersions(config);
  const bridgeDir = join(config.infraDir, 'bridge');
  const hash = createHash('sha256').update(JSON.stringify([v.kafka, v.jackson]));
  const files = [join(bridgeDir, 'pom.xml'), ...listFiles(join(bridgeDir, 'src'))].sort();
  for (const f of files) hash.update(f.slice(bridgeDir.length)).update(readFileSync(f));
  const dir = cached(join(config.cacheDir, `bridge-${hash.digest('hex').slice(0, 12)}`), (tmp) => {
    mvn(
      [
        '-f',
        join(bridgeDir, 'pom.xml'),
        `-Dkafka.version=${v.kafka}`,
        `-Djackson.version=${v.jackson}`,
        `-Dproctor.buildDir=${join(tmp, 'build')}`,
        'package',
        'dependency:copy-dependencies',
        `-DoutputDirectory=${join(tmp, 'libs')}`,
        '-DincludeScope=runtime',
      ],
      'the REST bridge',
    );
    renameSync(join(tmp, 'build', 'proctor-rest-bridge-1.jar'), join(tmp, 'libs', 'proctor-rest-bridge.jar'));
    rmSync(join(tmp, 'build'), { recursive: true, force: true });
  });
  return join(dir, 'libs');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}
