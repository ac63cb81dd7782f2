// wrangler.toml is safe by construction: its deploy targets have names of their own, and each starts only once the
// secrets it declares are set, while the top level (local development) would refuse to start if deployed.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { parseEnv } from './env.ts';

const WRANGLER_TOML = join(import.meta.dirname, '..', '..', 'wrangler.toml');
const read = (env?: string) => unstable_readConfig({ config: WRANGLER_TOML, env });
const pem = '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n';

/** A stand-in value of the right shape for each secret a deploy target declares. */
const standIn = (name: string) =>
  name.endsWith('_URL') ? 'https://upstream.example' : name === 'CORS_ALLOWED_ORIGINS' ? 'https://exam.example' : 'x';

describe('wrangler.toml', () => {
  it('gives staging and production Worker names apart from the top level and each other', () => {
    const names = [read().name, read('staging').name, read('production').name];
    expect(new Set(names).size).toBe(3);
  });

  it.each(['staging', 'production'])('%s starts once its declared secrets are set, and not without them', (env) => {
    const config = read(env);
    const required: string[] = config.secrets?.required ?? [];
    expect(required).toEqual(expect.arrayContaining(['KAFKA_REST_USERNAME', 'JWT_ISSUER', 'CORS_ALLOWED_ORIGINS']));
    const secrets = Object.fromEntries(required.map((name) => [name, standIn(name)]));
    expect(parseEnv({ ...config.vars, ...secrets, JWT_PUBLIC_KEY: pem }).ENVIRONMENT).toBe(env);
    for (const name of required) {
      expect(() => parseEnv({ ...config.vars, ...secrets, JWT_PUBLIC_KEY: pem, [name]: undefined })).toThrow(name);
    }
  });

  it.each(['staging', 'production'])('%s binds the heartbeat limit (no Redis per heartbeat)', (env) => {
    expect(read(env).ratelimits).toEqual([
      expect.objectContaining({ name: 'HEARTBEAT_LIMITER', simple: { limit: 30, period: 60 } }),
    ]);
  });

  it("keeps production's Workers Logs a small share of the account's daily cap at a million candidates", () => {
    const config = read('production');
    const logs = { ...config.observability, ...config.observability?.logs };
    expect(logs.enabled).toBe(true);
    const headSampled = logs.head_sampling_rate ?? 1;
    const env = parseEnv({
      ...config.vars,
      ...Object.fromEntries((config.secrets?.required ?? []).map((n: string) => [n, standIn(n)])),
      JWT_PUBLIC_KEY: pem,
    });
    // Lines a request: Cloudflare's invocation log unless turned off, and the edge's http_request line at its rate
    // (refusals and failures, always logged, are rare). Requests: the ramp's steady state at the defaults (README).
    const linesPerRequest = headSampled * ((logs.invocation_logs === false ? 0 : 1) + env.ACCESS_LOG_SAMPLE_RATE);
    const REQUESTS_PER_CANDIDATE_HOUR = 363;
    const linesPerDay = 1_000_000 * REQUESTS_PER_CANDIDATE_HOUR * 24 * linesPerRequest;
    const ACCOUNT_CAP_PER_DAY = 5e9;
    expect(linesPerDay).toBeLessThan(0.05 * ACCOUNT_CAP_PER_DAY);
  });

  it('leaves the top level unable to start when deployed: only .dev.vars makes it development', () => {
    const config = read();
    const secrets = { UPSTASH_REDIS_REST_URL: 'https://r.example', UPSTASH_REDIS_REST_TOKEN: 't' };
    expect(() =>
      parseEnv({ ...config.vars, ...secrets, KAFKA_REST_URL: 'https://k.example', JWT_PUBLIC_KEY: pem }),
    ).toThrow(/KAFKA_REST_AUTH/);
  });
});
