// The exam page talks only to its platform's edge, in real Chromium: a link or a host naming another edge is refused
// with a message the candidate can act on and that edge hears nothing; a postMessage launch is taken only from a
// configured platform origin (an opener is not covered by frame-ancestors); nothing reaches the edge before consent.
import { freePort } from '@proctor/testkit';
import { type ChromiumProfile, launchChromium } from '@proctor/testkit/browser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { examUrl, until } from '../test/examFlow.ts';
import { buildExamSite, type ExamSite, serveExamSite } from '../test/examSite.ts';
import { type FakeEdge, fakeExamToken, startFakeEdge } from '../test/fakeEdge.ts';

/** Served by the browser itself (page.route): the exam platform, and a page that is not one. */
const PLATFORM = 'http://platform.test';
const STRANGER = 'http://stranger.test';

let site: ExamSite;
let ours: FakeEdge;
let foreign: FakeEdge;
let chromium: ChromiumProfile;
let page: Page;
const token = fakeExamToken({ tenant_id: 't1', exam_schedule_id: 's1', user_id: 'u-launch', attempt_no: 1 });

beforeAll(async () => {
  ours = await startFakeEdge(await freePort());
  foreign = await startFakeEdge();
  site = await serveExamSite(buildExamSite('client-site-launch'), await freePort(), {
    edgeOrigins: [new URL(ours.url).origin],
    platformOrigins: [PLATFORM],
  });
  chromium = await launchChromium({ profile: true });
}, 180_000);
afterAll(async () => {
  await chromium?.close();
  await site?.stop();
  await ours?.close();
  await foreign?.close();
});
beforeEach(async () => {
  for (const p of chromium.context.pages()) await p.close();
  page = await chromium.context.newPage();
  ours.requests.length = 0;
  foreign.requests.length = 0;
});

/** A host page at `origin` that opens the exam in a popup and launches it on `proctor:ready` and every 500 ms. */
async function openFromHost(origin: string, edge: string): Promise<Page> {
  const launch = JSON.stringify({ type: 'proctor:launch', token, edge });
  await chromium.context.route(`${origin}/host`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><script>
        const exam = window.open(${JSON.stringify(`${site.origin}/exam`)});
        const send = () => exam.postMessage(${launch}, ${JSON.stringify(site.origin)});
        addEventListener('message', (e) => { if (e.data?.type === 'proctor:ready') send(); });
        setInterval(send, 500);
      </script>`,
    }),
  );
  const [popup] = await Promise.all([chromium.context.waitForEvent('page'), page.goto(`${origin}/host`)]);
  return popup;
}

async function refusal(p: Page): Promise<string> {
  return until('a launch error', async () => (await p.textContent('#launch-error'))?.trim(), 10_000);
}

describe('the exam page and the edge it talks to', () => {
  it('a link naming another edge is refused, says what to do, and that edge hears nothing', async () => {
    await page.goto(examUrl(site.origin, token, foreign.url));
    const message = await refusal(page);
    expect(message).toContain(new URL(foreign.url).origin);
    expect(message).toMatch(/Open the exam again from your exam platform/);
    expect(await page.isVisible('#step-consent')).toBe(false);
    await page.waitForTimeout(1500);
    expect(foreign.requests).toEqual([]);
  });

  it('a link naming our edge shows consent and sends nothing until the candidate agrees', async () => {
    await page.goto(examUrl(site.origin, token, ours.url));
    await page.waitForSelector('#step-consent:not([hidden])');
    await page.waitForTimeout(1500);
    expect(ours.requests.map((r) => r.path)).toEqual([]);
    await page.click('#consent-accept');
    await until('/sessions/start at our edge', () => ours.requests.some((r) => r.path === '/sessions/start'));
  });

  it('a launch by postMessage from a page that is not the platform is refused, from the platform taken', async () => {
    const fromStranger = await openFromHost(STRANGER, ours.url);
    expect(await refusal(fromStranger)).toMatch(/opened by http:\/\/stranger\.test, which is not an exam platform/);
    expect(await fromStranger.isVisible('#step-consent')).toBe(false);

    const fromPlatform = await openFromHost(PLATFORM, ours.url);
    await fromPlatform.waitForSelector('#step-consent:not([hidden])');
    expect(await fromPlatform.textContent('#edge-origin')).toBe(new URL(ours.url).origin);
    expect(ours.requests).toEqual([]);
  });

  it('the platform itself cannot point the page at another edge', async () => {
    const popup = await openFromHost(PLATFORM, foreign.url);
    expect(await refusal(popup)).toContain(new URL(foreign.url).origin);
    await popup.waitForTimeout(1500);
    expect(foreign.requests).toEqual([]);
  });
});
