// A bad environment fails loudly at start, naming each variable and never echoing a secret.
import { localDevEnv } from '@proctor/testkit/edge';
import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.ts';

const pem = '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n';
const good = {
  ENVIRONMENT: 'development',
  UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:18079',
  UPSTASH_REDIS_REST_TOKEN: 'secret-token-value',
  KAFKA_REST_URL: 'http://127.0.0.1:18080',
  JWT_PUBLIC_KEY: pem,
};

describe('parseEnv', () => {
  it('fills documented defaults', () => {
    expect(parseEnv(good)).toMatchObject({
      KAFKA_REST_FLAVOR: 'v2',
      KAFKA_TOPIC: 'proctor.events',
      REDIS_KEY_PREFIX: 'proctor',
      JWT_CLOCK_TOLERANCE_SECONDS: 30,
      UPSTREAM_TIMEOUT_MS: 5000,
    });
  });

  it('takes numbers as strings and a PEM with escaped newlines', () => {
    const env = parseEnv({
      ...good,
      JWT_PUBLIC_KEY: pem.replaceAll('\n', '\\n'),
      JWT_CLOCK_TOLERANCE_SECONDS: '5',
      JWT_ISSUER: '',
    });
    expect(env.JWT_PUBLIC_KEY).toBe(pem);
    expect(env.JWT_CLOCK_TOLERANCE_SECONDS).toBe(5);
    expect(env.JWT_ISSUER).toBeUndefined();
  });

  it('names every problem at once and never echoes values', () => {
    let message = '';
    try {
      parseEnv({
        ...good,
        KAFKA_REST_URL: 'not a url',
        JWT_CLOCK_TOLERANCE_SECONDS: '9999',
        UPSTASH_REDIS_REST_TOKEN: '',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/KAFKA_REST_URL/);
    expect(message).toMatch(/JWT_CLOCK_TOLERANCE_SECONDS/);
    expect(message).toMatch(/UPSTASH_REDIS_REST_TOKEN/);
    expect(message).not.toContain('not a url');
  });

  it('takes comma lists of Upstash URLs and tokens of equal length, one shard each, in order', () => {
    const env = parseEnv({
      ...good,
      UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1, http://127.0.0.1:2,http://127.0.0.1:3',
      UPSTASH_REDIS_REST_TOKEN: 'a,b,c',
    });
    expect(env.UPSTASH_REDIS_REST_URL).toEqual(['http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3']);
    expect(env.UPSTASH_REDIS_REST_TOKEN).toEqual(['a', 'b', 'c']);
    expect(parseEnv(good).UPSTASH_REDIS_REST_URL).toEqual(['http://127.0.0.1:18079']);
  });

  it('refuses shard lists of unequal length or a bad URL in the list, never echoing a token', () => {
    const twoUrls = { ...good, UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1,http://127.0.0.1:2' };
    expect(() => parseEnv({ ...twoUrls, UPSTASH_REDIS_REST_TOKEN: 'only-one-secret' })).toThrow(
      /UPSTASH_REDIS_REST_TOKEN: must list one token per URL .*\(2 URLs, 1 tokens\)/,
    );
    expect(() => parseEnv({ ...twoUrls, UPSTASH_REDIS_REST_TOKEN: 'a,b,c' })).toThrow(/2 URLs, 3 tokens/);
    let message = '';
    try {
      parseEnv({ ...good, UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1,nope', UPSTASH_REDIS_REST_TOKEN: 'sekrit,t2' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/UPSTASH_REDIS_REST_URL/);
    expect(message).not.toContain('sekrit');
    expect(() => parseEnv({ ...good, UPSTASH_REDIS_REST_URL: ' , ' })).toThrow(/at least one Upstash REST URL/);
  });

  it('requires exactly one key source, a cluster id for v3 and credentials for basic auth', () => {
    expect(() => parseEnv({ ...good, JWT_JWKS_URL: 'https://issuer.test/jwks.json' })).toThrow(/exactly one/);
    expect(() => parseEnv({ ...good, JWT_PUBLIC_KEY: undefined })).toThrow(/exactly one/);
    expect(() => parseEnv({ ...good, JWT_PUBLIC_KEY: 'ssh-rsa AAAA' })).toThrow(/SPKI/);
    expect(() => parseEnv({ ...good, KAFKA_REST_FLAVOR: 'v3' })).toThrow(/KAFKA_CLUSTER_ID/);
    expect(() => parseEnv({ ...good, KAFKA_REST_AUTH: 'basic', KAFKA_REST_USERNAME: 'k' })).toThrow(
      /KAFKA_REST_PASSWORD/,
    );
    expect(parseEnv({ ...good, KAFKA_REST_FLAVOR: 'v3', KAFKA_CLUSTER_ID: 'lkc-1' }).KAFKA_REST_FLAVOR).toBe('v3');
  });

  it('takes the v3 API path and the partition count', () => {
    expect(parseEnv(good).KAFKA_REST_V3_PATH).toBe('/kafka/v3');
    expect(parseEnv(good).KAFKA_TOPIC_PARTITIONS).toBeUndefined();
    expect(parseEnv({ ...good, KAFKA_REST_V3_PATH: '/v3', KAFKA_TOPIC_PARTITIONS: '12' })).toMatchObject({
      KAFKA_REST_V3_PATH: '/v3',
      KAFKA_TOPIC_PARTITIONS: 12,
    });
    expect(() => parseEnv({ ...good, KAFKA_REST_V3_PATH: 'v3/' })).toThrow(/KAFKA_REST_V3_PATH/);
    expect(() => parseEnv({ ...good, KAFKA_TOPIC_PARTITIONS: '0' })).toThrow(/KAFKA_TOPIC_PARTITIONS/);
  });
});

describe('parseEnv outside development', () => {
  const deployed = {
    ...good,
    ENVIRONMENT: 'production',
    KAFKA_REST_AUTH: 'basic',
    KAFKA_REST_USERNAME: 'api-key',
    KAFKA_REST_PASSWORD: 'api-secret-value',
    JWT_ISSUER: 'https://platform.example',
    JWT_AUDIENCE: 'proctor-edge',
    CORS_ALLOWED_ORIGINS: 'https://exam.example, https://exam2.example',
    KAFKA_TOPIC_PARTITIONS: '12',
  };

  it('starts with credentials, issuer, audience, an origin list and the partition count', () => {
    expect(parseEnv(deployed).CORS_ALLOWED_ORIGINS).toEqual(['https://exam.example', 'https://exam2.example']);
    expect(parseEnv({ ...deployed, ENVIRONMENT: 'staging' }).ENVIRONMENT).toBe('staging');
  });

  it.each([
    ['KAFKA_REST_AUTH', { KAFKA_REST_AUTH: 'none' }],
    ['JWT_ISSUER', { JWT_ISSUER: undefined }],
    ['JWT_AUDIENCE', { JWT_AUDIENCE: '' }],
    ['CORS_ALLOWED_ORIGINS', { CORS_ALLOWED_ORIGINS: '*' }],
    ['CORS_ALLOWED_ORIGINS', { CORS_ALLOWED_ORIGINS: 'https://exam.example,*' }],
    ['CORS_ALLOWED_ORIGINS', { CORS_ALLOWED_ORIGINS: undefined }],
    ['KAFKA_TOPIC_PARTITIONS', { KAFKA_TOPIC_PARTITIONS: undefined }],
  ])('refuses to start without %s', (name, change) => {
    expect(() => parseEnv({ ...deployed, ...change })).toThrow(new RegExp(`${name}: .*ENVIRONMENT=development`));
    expect(() => parseEnv({ ...deployed, ...change, ENVIRONMENT: 'staging' })).toThrow(new RegExp(name));
  });

  it('still starts on the local development config (.dev.vars, startEdge)', async () => {
    expect(parseEnv(await localDevEnv()).ENVIRONMENT).toBe('development');
  });

  it('counts an unset ENVIRONMENT as production, so the local config alone does not start a deploy', () => {
    const local = { ...good, ENVIRONMENT: undefined };
    expect(() => parseEnv(local)).toThrow(/KAFKA_REST_AUTH/);
    expect(parseEnv({ ...deployed, ENVIRONMENT: undefined }).ENVIRONMENT).toBe('production');
  });
});
