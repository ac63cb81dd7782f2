// `npm start` must work on a clone with no node_modules: its entry imports nothing but Node's own modules and the
// services module, which it loads only after installing dependencies.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const source = readFileSync(new URL('./start.ts', import.meta.url), 'utf8');
const staticImports = [...source.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);

describe("npm start's entry", () => {
  it('imports only node: builtins statically', () => {
    expect(staticImports.length).toBeGreaterThan(0);
    expect(staticImports.filter((name) => !name?.startsWith('node:'))).toEqual([]);
  });
  it('installs dependencies before it loads the services module', () => {
    const deps = source.indexOf("spawnSync('bash', ['scripts/ensure-deps.sh']");
    const load = source.indexOf("await import('./startServices.ts')");
    expect(deps).toBeGreaterThan(0);
    expect(load).toBeGreaterThan(deps);
  });
});
