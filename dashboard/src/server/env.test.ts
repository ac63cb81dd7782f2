// The env parser fails with every variable to fix named, and takes exactly one of a PEM or a JWKS URL.
import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.ts';

const good = {
  JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----',
  JWT_ISSUER: 'https://platform.test',
  JWT_AUDIENCE: 'proctor-dashboard',
  MYSQL_URL: 'mysql://root@127.0.0.1:3306/proctor',
  REDIS_URL: 'redis://127.0.0.1:6379',
  COOKIE_SECRET: 'c'.repeat(40),
};

describe('parseEnv', () => {
  it('accepts a complete env, unescapes one-line PEMs and fills defaults', () => {
    const env = parseEnv(good);
    expect(env.JWT_PUBLIC_KEY).toContain('\nAAAA\n');
    expect(env).toMatchObject({ REDIS_KEY_PREFIX: 'proctor', LIVE_REFRESH_MS: 5_000, LIVE_LIST_MS: 1_000 });
  });
  it('lists every problem at once, each saying how to fix it', () => {
    expect(() => parseEnv({ ...good, MYSQL_URL: 'localhost', COOKIE_SECRET: 'short', JWT_ISSUER: undefined })).toThrow(
      /JWT_ISSUER: is required: the platform issuer[\s\S]*MYSQL_URL: must be a URL such as mysql:\/\/[\s\S]*COOKIE_SECRET: .*at least 32/,
    );
  });
  it('needs exactly one of JWT_PUBLIC_KEY or JWT_JWKS_URL', () => {
    expect(() => parseEnv({ ...good, JWT_PUBLIC_KEY: undefined })).toThrow(/exactly one of JWT_PUBLIC_KEY/);
    expect(() => parseEnv({ ...good, JWT_JWKS_URL: 'https://issuer.test/jwks.json' })).toThrow(/exactly one/);
    expect(
      parseEnv({ ...good, JWT_PUBLIC_KEY: undefined, JWT_JWKS_URL: 'https://issuer.test/jwks.json' }).JWT_JWKS_URL,
    ).toBe('https://issuer.test/jwks.json');
  });

  it('takes platform origins for the exam page as a list and refuses anything that is not an origin', () => {
    expect(
      parseEnv({ ...good, PLATFORM_ORIGINS: 'https://lms.example.edu, https://x.example:8443' }).PLATFORM_ORIGINS,
    ).toEqual(['https://lms.example.edu', 'https://x.example:8443']);
    expect(parseEnv(good).PLATFORM_ORIGINS).toEqual([]);
    expect(() => parseEnv({ ...good, PLATFORM_ORIGINS: 'https://lms.example.edu/path' })).toThrow(/PLATFORM_ORIGINS/);
  });

  it('takes the edges the exam page may talk to, npm start’s local edge by default, and never none', () => {
    expect(parseEnv(good).EDGE_ORIGINS).toEqual(['http://127.0.0.1:18787']);
    expect(parseEnv({ ...good, EDGE_ORIGINS: 'https://edge.example.com' }).EDGE_ORIGINS).toEqual([
      'https://edge.example.com',
    ]);
    expect(() => parseEnv({ ...good, EDGE_ORIGINS: '' })).toThrow(/EDGE_ORIGINS: must name at least one/);
    expect(() => parseEnv({ ...good, EDGE_ORIGINS: 'https://edge.example.com/v1' })).toThrow(/EDGE_ORIGINS/);
  });
});

describe('parseEnv outside development', () => {
  it('refuses staging and production without the edge’s databases and origins, and takes them given', () => {
    expect(parseEnv(good).ENVIRONMENT).toBe('development');
    for (const ENVIRONMENT of ['staging', 'production']) {
      expect(() => parseEnv({ ...good, ENVIRONMENT })).toThrow(
        new RegExp(`EDGE_REDIS_URLS: required with ENVIRONMENT=${ENVIRONMENT}[^]*EDGE_ORIGINS: required`),
      );
      const deployed = parseEnv({
        ...good,
        ENVIRONMENT,
        EDGE_REDIS_URLS: 'rediss://default:pw@a.upstash.io:6379',
        EDGE_ORIGINS: 'https://edge.example.com',
      });
      expect(deployed.EDGE_REDIS_URLS).toEqual(['rediss://default:pw@a.upstash.io:6379']);
    }
  });
});
