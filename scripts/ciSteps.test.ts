// The Jenkinsfile runs what .ci/run runs, in the same order, so a green pipeline means what a green CI run means.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/** .ci/run's commands: every line that is not a comment, blank, or the shell's own setup. */
const ciRunSteps = read('.ci/run')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#') && !/^(set|cd|export|trap) /.test(l));

/** The Jenkinsfile's `sh '…'` commands up to (not including) its build and deploy stages. */
const jenkinsSteps = [
  ...read('Jenkinsfile')
    .split("stage('build')")[0]!
    .matchAll(/sh '([^']+)'/g),
].map((m) => m[1]);

describe('CI definitions', () => {
  it('runs the README first command before anything installs dependencies', () => {
    expect(ciRunSteps.indexOf('npm start -- --check')).toBe(1);
    expect(ciRunSteps.slice(0, 1)).toEqual(['scripts/ci-agent.sh']);
  });
  it('has the Jenkinsfile run the steps of .ci/run in order', () => {
    expect(ciRunSteps.length).toBeGreaterThan(4);
    expect(jenkinsSteps).toEqual(ciRunSteps);
  });
});
