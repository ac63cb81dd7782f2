// The exam page's setup check in real Chromium with fake-camera clips of real photos: a good setup passes, a dim
// room is told to turn on a light, a candidate far away is told to move closer, and nothing leaves the page.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@proctor/testkit';
import { type SceneName, writeFakeCamera } from '@proctor/testkit/camera';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withExamBrowser } from '../test/examFlow.ts';
import { buildExamSite, type ExamSite, serveExamSite } from '../test/examSite.ts';
import type { FakeEdge } from '../test/fakeEdge.ts';

const OUT = join(import.meta.dirname, '..', '..', 'test-output', 'client-preflight');
let site: ExamSite;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  site = await serveExamSite(buildExamSite('client-site-preflight'), await freePort());
}, 180_000);
afterAll(async () => site?.stop());

interface Shown {
  state: string;
  checks: Record<string, { state: string; problem: string; text: string }>;
  continueLabel: string;
}

const shown = (page: Page): Promise<Shown> =>
  page.evaluate(() => ({
    state: document.body.dataset.preflight ?? '',
    checks: Object.fromEntries(
      ['light', 'faceSize', 'confidence'].map((name) => {
        const li = document.getElementById(`pf-${name}`)!;
        return [name, { state: li.dataset.state ?? '', problem: li.dataset.problem ?? '', text: li.textContent ?? '' }];
      }),
    ),
    continueLabel: document.getElementById('preflight-continue')?.textContent ?? '',
  }));

/** Consent on a clip, then the verdict the setup check settles on, and every request made while it ran. */
async function preflightOn(
  scene: SceneName,
  expected: 'pass' | 'fix',
): Promise<{ shown: Shown; edge: FakeEdge; during: string[] }> {
  const video = writeFakeCamera(OUT, `preflight-${scene}`, [[scene, 20]]);
  return withExamBrowser(site, { video }, async ({ chromium, edge, page, url }) => {
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && console.log('page error:', m.text()));
    await page.goto(url);
    // Consent opens the session at the edge (its policy is read); the setup check that follows sends nothing.
    await page.click('#consent-accept');
    await page.waitForSelector('#step-preflight:not([hidden])');
    const edgeBefore = edge.requests.length;
    chromium.context.on('request', (r) => requests.push(`${r.method()} ${r.url()} ${r.postDataBuffer()?.length ?? 0}`));
    await page.waitForSelector(`body[data-preflight="${expected}"]`, { timeout: 120_000 });
    // A few more frames: the verdict holds, it was not a passing frame.
    await page.waitForTimeout(2000);
    const result = await shown(page);
    await page.screenshot({ path: join(OUT, `preflight-${scene}.png`), fullPage: true });
    expect(edge.requests.length, 'the edge heard nothing during the setup check').toBe(edgeBefore);
    return { shown: result, edge, during: [...requests] };
  });
}

/** Only the page's own static files (models, scripts) are fetched while the check runs: GETs with no body. */
function expectNothingSent(during: string[]) {
  for (const r of during) {
    const [method, href, bytes] = r.split(' ') as [string, string, string];
    expect(new URL(href).origin, r).toBe(site.origin);
    expect(method, r).toBe('GET');
    expect(bytes, r).toBe('0');
  }
}

describe('exam page setup check in Chromium', () => {
  it('a lit candidate at desk distance passes every check', async () => {
    const { shown: s, during } = await preflightOn('single', 'pass');
    expect(s.state).toBe('pass');
    for (const c of Object.values(s.checks)) expect(c.state).toBe('ok');
    expect(s.continueLabel).toBe('Start the exam');
    expectNothingSent(during);
  }, 240_000);

  it('a dim room: the light check says to turn on a light, the face is still found', async () => {
    const { shown: s, during } = await preflightOn('dark', 'fix');
    expect(s.checks.light).toMatchObject({ state: 'bad', problem: 'too-dark' });
    expect(s.checks.light!.text).toMatch(/Too dark: turn on a light facing you/);
    expect(s.checks.faceSize!.problem).not.toBe('no-face');
    expect(s.continueLabel).toBe('Start the exam anyway');
    expectNothingSent(during);
  }, 240_000);

  it('a candidate far from the camera: the face-size check says to move closer', async () => {
    const { shown: s, during } = await preflightOn('small', 'fix');
    expect(s.checks.faceSize).toMatchObject({ state: 'bad', problem: 'too-small' });
    expect(s.checks.faceSize!.text).toMatch(/Your face is too small: move closer/);
    expect(s.checks.light!.state).toBe('ok');
    expectNothingSent(during);
  }, 240_000);
});
