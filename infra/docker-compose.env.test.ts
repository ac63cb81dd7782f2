// docker-compose.yml's services start: each one's environment, as compose resolves it with only the inputs it
// demands (`${VAR:?…}`), passes that service's own env schema. No engine runs here, so this is the check.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv as parseDashboardEnv } from '@proctor/dashboard/env';
import { edgeEnvNames, parseEnv as parseEdgeEnv } from '@proctor/edge/env';
import { loadConfig as parseProcessorEnv } from '@proctor/processor/config';
import { devPublicKeyPem } from '@proctor/testkit';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const dir = import.meta.dirname;
const compose = parse(readFileSync(join(dir, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; environment?: Record<string, string | number> }>;
};
const wranglerVars =
  (parseToml(readFileSync(join(dir, '..', 'wrangler.toml'), 'utf8')) as { vars?: object }).vars ?? {};

/** What compose makes of `${VAR:-default}`, `${VAR:?message}` and `$${…}` with nothing but `inputs` set. */
function interpolate(value: string, inputs: Record<string, string>, demanded: Set<string>): string {
  return value.replace(
    /\$\$|\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g,
    (whole, name: string, op: string, arg: string) => {
      if (whole === '$$') return '$';
      const set = inputs[name];
      if (op === ':?' || op === '?') {
        demanded.add(name);
        if (set === undefined) throw new Error(`compose stops: ${name}: ${arg}`);
        return set;
      }
      return set ?? arg ?? '';
    },
  );
}

/** The ENV lines of one target of infra/docker/node.Dockerfile: what the image sets before compose's environment. */
function imageEnv(target: string): Record<string, string> {
  const dockerfile = readFileSync(join(dir, 'docker', 'node.Dockerfile'), 'utf8');
  const stage = dockerfile.split(/^FROM /m).find((s) => s.split('\n')[0]!.trim().endsWith(` AS ${target}`)) ?? '';
  const env: Record<string, string> = {};
  for (const [, line] of stage.matchAll(/^ENV (.+)$/gm))
    for (const [, k, v] of line!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)) env[k!] = v!;
  return env;
}

function resolved(service: string, inputs: Record<string, string>) {
  const demanded = new Set<string>();
  const env: Record<string, string> = ['processor', 'dashboard'].includes(service) ? imageEnv(service) : {};
  for (const [k, v] of Object.entries(compose.services[service]?.environment ?? {})) {
    env[k] = interpolate(String(v), inputs, demanded);
  }
  return { env, demanded };
}

describe('docker-compose.yml service environments', async () => {
  const inputs = { JWT_PUBLIC_KEY: await devPublicKeyPem(), COOKIE_SECRET: 'x'.repeat(48) };

  it('demands only the secrets a deployment must choose, and stops with a message without them', () => {
    const demanded = new Set<string>();
    for (const name of ['edge', 'processor', 'dashboard']) {
      for (const d of resolved(name, inputs).demanded) demanded.add(d);
    }
    expect([...demanded].sort()).toEqual(['COOKIE_SECRET', 'JWT_PUBLIC_KEY']);
    expect(() => resolved('dashboard', {})).toThrow(/compose stops: JWT_PUBLIC_KEY/);
  });

  it("gives the edge (wrangler.toml's vars under its own) an environment its schema accepts", () => {
    const { env } = resolved('edge', inputs);
    // Each service's own parser throws one error naming every variable it refuses.
    expect(() => parseEdgeEnv({ ...wranglerVars, ...env })).not.toThrow();
    // The entrypoint passes only what the schema names: anything else compose sets would be dropped silently.
    expect(Object.keys(env).filter((k) => !edgeEnvNames.includes(k))).toEqual([]);
  });

  it('builds the processor and dashboard images for production, which compose overrides for its local stack', () => {
    for (const service of ['processor', 'dashboard']) {
      expect(imageEnv(service).ENVIRONMENT, service).toBe('production');
      expect(resolved(service, inputs).env.ENVIRONMENT, service).toBe('development');
    }
  });

  it('gives the processor an environment its schema accepts', () => {
    expect(() => parseProcessorEnv(resolved('processor', inputs).env)).not.toThrow();
  });

  it('gives the dashboard an environment its schema accepts', () => {
    expect(() => parseDashboardEnv(resolved('dashboard', inputs).env)).not.toThrow();
  });

  it("runs the same Redis major.minor as the no-Docker stack's redis-server", () => {
    const local = /v=(\d+\.\d+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1];
    expect(local).toBeDefined();
    expect(compose.services.redis?.image).toMatch(new RegExp(`^redis:${local?.replace('.', '\\.')}[-.]`));
  });

  it('pins every image to a version (no :latest, no bare name)', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (!s.image) continue;
      expect(s.image, name).toMatch(/:[^:/]+$/);
      expect(s.image, name).not.toMatch(/:latest$/);
    }
  });
});
