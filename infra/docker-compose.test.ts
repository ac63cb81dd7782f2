// docker-compose.yml stays in step with infra/versions.json and with the local stack's ports and settings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { stackConfig } from './stack/config.ts';

const dir = import.meta.dirname;
interface Versions {
  kafka: string;
  kafkaImage: string;
  bridge: string;
  bridgeImage: string;
  mysqlImage: string;
  redisImage: string;
  serverlessRedisHttpImage: string;
  minioImage: string;
  nodeImage: string;
}
const versions = JSON.parse(readFileSync(join(dir, 'versions.json'), 'utf8')) as Versions;
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string; args?: Record<string, string> };
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  command?: string[];
}
const compose = parse(readFileSync(join(dir, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const dockerfile = readFileSync(join(dir, 'docker', 'node.Dockerfile'), 'utf8');
const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
};
const hostPorts = (s: Service) => (s.ports ?? []).map((p) => Number(String(p).split(':')[0]));

describe('docker-compose.yml', () => {
  it('has every service the system needs', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'dashboard',
        'edge',
        'kafka',
        'kafka-bridge',
        'kafka-init',
        'migrate',
        'minio',
        'minio-init',
        'mysql',
        'processor',
        'redis',
        'serverless-redis-http',
      ].sort(),
    );
  });

  it('pins every image to infra/versions.json', () => {
    expect(service('kafka').image).toBe(versions.kafkaImage);
    expect(service('kafka-init').image).toBe(versions.kafkaImage);
    expect(service('kafka-bridge').image).toBe(versions.bridgeImage);
    expect(service('redis').image).toBe(versions.redisImage);
    expect(service('serverless-redis-http').image).toBe(versions.serverlessRedisHttpImage);
    expect(service('mysql').image).toBe(versions.mysqlImage);
    expect(service('minio').image).toBe(versions.minioImage);
    expect(service('minio-init').image).toBe(versions.minioImage);
    expect(versions.kafkaImage).toBe(`apache/kafka:${versions.kafka}`);
    expect(versions.bridgeImage.endsWith(`:${versions.bridge}`)).toBe(true);
  });

  it('builds edge, processor, dashboard and migrate from the repo with the pinned Node image', () => {
    const declaredDefault = /ARG NODE_IMAGE=(\S+)/.exec(dockerfile)?.[1];
    expect(declaredDefault).toBe(versions.nodeImage);
    for (const name of ['edge', 'processor', 'dashboard', 'migrate']) {
      const build = service(name).build;
      expect(build?.context, name).toBe('..');
      expect(build?.dockerfile, name).toBe('infra/docker/node.Dockerfile');
      expect(build?.args?.NODE_IMAGE, name).toBe(versions.nodeImage);
      expect(dockerfile, `Dockerfile stage for ${name}`).toMatch(new RegExp(`^FROM \\S+ AS ${build?.target}$`, 'm'));
    }
  });

  it('publishes the same host ports as the local stack', () => {
    const c = stackConfig({});
    expect(hostPorts(service('kafka'))).toContain(c.kafka.port);
    expect(hostPorts(service('kafka-bridge'))).toContain(c.bridge.port);
    expect(hostPorts(service('serverless-redis-http'))).toContain(c.shim.port);
    expect(hostPorts(service('redis'))).toContain(c.redis.port);
    expect(hostPorts(service('mysql'))).toContain(3306);
    expect(hostPorts(service('minio'))).toContain(c.s3.port);
    const all = Object.values(compose.services).flatMap(hostPorts);
    expect(all).not.toContain(8787);
    expect(new Set(all).size).toBe(all.length);
  });

  it('configures the bridge for durable acknowledgements', () => {
    const mount = service('kafka-bridge').volumes?.[0] ?? '';
    const props = readFileSync(join(dir, mount.split(':')[0] ?? ''), 'utf8');
    expect(props).toMatch(/^kafka\.producer\.acks=all$/m);
    expect(props).toMatch(/^http\.producer\.enabled=true$/m);
  });

  it('creates the same thumbnails bucket with the same keys as stack:up, and points edge and dashboard at it', () => {
    const c = stackConfig({});
    const init = service('minio-init');
    expect((init.command ?? []).join(' ')).toContain('mc mb --ignore-existing local/$${S3_BUCKET}');
    expect(init.environment?.S3_BUCKET).toBe(`\${S3_BUCKET:-${c.s3.bucket}}`);
    expect(init.environment?.S3_ACCESS_KEY_ID).toBe(`\${S3_ACCESS_KEY_ID:-${c.s3.accessKeyId}}`);
    expect(service('minio').environment?.MINIO_ROOT_PASSWORD).toBe(`\${S3_SECRET_ACCESS_KEY:-${c.s3.secretAccessKey}}`);
    for (const name of ['edge', 'dashboard']) {
      expect(service(name).environment?.S3_ENDPOINT, name).toBe('http://minio:9000');
      expect(service(name).environment?.S3_BUCKET, name).toBe(`\${S3_BUCKET:-${c.s3.bucket}}`);
    }
  });

  it('creates the same topics with the same partition counts as stack:up', () => {
    const c = stackConfig({});
    const script = (service('kafka-init').command ?? []).join(' ');
    expect(script).toContain(`--partitions ${c.topics.eventsPartitions}`);
    expect(script).toContain(`--partitions ${c.topics.dlqPartitions}`);
    expect(service('kafka-init').environment?.KAFKA_EVENTS_TOPIC).toBe(`\${KAFKA_EVENTS_TOPIC:-${c.topics.events}}`);
    expect(service('kafka-init').environment?.KAFKA_DLQ_TOPIC).toBe(`\${KAFKA_DLQ_TOPIC:-${c.topics.dlq}}`);
  });
});
