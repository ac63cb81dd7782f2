// Managed Kafka settings: SASL only inside TLS, both credentials with a mechanism, and no secret in the error.
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const scram = {
  KAFKA_SSL: 'true',
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: 'processor',
  KAFKA_SASL_PASSWORD: 'hunter2-very-secret',
};

describe('loadConfig: Kafka security', () => {
  it('defaults to plaintext without SASL, as the local stack runs', () => {
    const config = loadConfig({});
    expect(config.KAFKA_SSL).toBe(false);
    expect(config.KAFKA_SASL_MECHANISM).toBeUndefined();
  });

  it('takes SASL over TLS with a CA file', () => {
    expect(loadConfig({ ...scram, KAFKA_SSL_CA_FILE: '/etc/ca.pem' })).toMatchObject({
      KAFKA_SSL: true,
      KAFKA_SSL_CA_FILE: '/etc/ca.pem',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
    });
  });

  it('refuses SASL without TLS, a mechanism without both credentials, a CA without TLS, an unknown mechanism', () => {
    expect(() => loadConfig({ ...scram, KAFKA_SSL: 'false' })).toThrow(/KAFKA_SSL: must be true/);
    expect(() => loadConfig({ ...scram, KAFKA_SASL_PASSWORD: undefined })).toThrow(/KAFKA_SASL_USERNAME/);
    expect(() => loadConfig({ KAFKA_SSL_CA_FILE: '/etc/ca.pem' })).toThrow(/KAFKA_SSL/);
    expect(() => loadConfig({ ...scram, KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });

  it('never echoes the password', () => {
    let message = '';
    try {
      loadConfig({ ...scram, KAFKA_SSL: 'false', KAFKA_SASL_MECHANISM: 'md5' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/KAFKA_SASL_MECHANISM/);
    expect(message).not.toContain(scram.KAFKA_SASL_PASSWORD);
  });
});

describe('loadConfig: edge shards', () => {
  it('defaults to no list (REDIS_URL is the edge’s one database) and takes a comma list in shard order', () => {
    expect(loadConfig({}).EDGE_REDIS_URLS).toEqual([]);
    expect(
      loadConfig({ EDGE_REDIS_URLS: 'redis://127.0.0.1:6379/1, redis://127.0.0.1:6379/2,rediss://up.example:6379' })
        .EDGE_REDIS_URLS,
    ).toEqual(['redis://127.0.0.1:6379/1', 'redis://127.0.0.1:6379/2', 'rediss://up.example:6379']);
  });

  it('refuses a list with something that is not a Redis URL', () => {
    expect(() => loadConfig({ EDGE_REDIS_URLS: 'redis://127.0.0.1:6379/1,http://up.example' })).toThrow(
      /EDGE_REDIS_URLS/,
    );
  });
});

describe('loadConfig: outside development', () => {
  const deployed = {
    KAFKA_BROKERS: 'kafka-1:9093',
    REDIS_URL: 'redis://processor-redis:6379',
    MYSQL_URL: 'mysql://proctor@db:3306/proctor',
    EDGE_REDIS_URLS: 'rediss://default:pw@a.upstash.io:6379,rediss://default:pw@b.upstash.io:6379',
  };

  it('runs on the local defaults only in development, the default', () => {
    expect(loadConfig({}).ENVIRONMENT).toBe('development');
    expect(loadConfig({ ENVIRONMENT: 'development' }).REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('refuses to start in staging or production without its servers and the edge’s databases, naming each', () => {
    for (const ENVIRONMENT of ['staging', 'production']) {
      let message = '';
      try {
        loadConfig({ ENVIRONMENT, REDIS_URL: deployed.REDIS_URL, EDGE_REDIS_URLS: ' ' });
      } catch (err) {
        message = (err as Error).message;
      }
      for (const name of ['KAFKA_BROKERS', 'MYSQL_URL', 'EDGE_REDIS_URLS'])
        expect(message).toContain(`${name}: required with ENVIRONMENT=${ENVIRONMENT}`);
      expect(message).not.toContain('REDIS_URL: required');
      expect(loadConfig({ ENVIRONMENT, ...deployed }).EDGE_REDIS_URLS).toHaveLength(2);
    }
  });
});
