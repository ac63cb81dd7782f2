// Drives the candidate exam page in Chromium: launch by URL fragment, consent, wait for a status.
import { sleep } from '@proctor/contracts';
import { type ChromiumProfile, launchChromium } from '@proctor/testkit/browser';
import type { Page } from 'playwright-core';
import type { ExamSite } from './examSite.ts';
import { type FakeEdge, type FakeEdgeOptions, fakeExamToken, startFakeEdge } from './fakeEdge.ts';

export function examUrl(site: string, token: string, edge: string): string {
  return `${site}/exam#token=${encodeURIComponent(token)}&edge=${encodeURIComponent(edge)}`;
}

/** What withExamBrowser hands its work: ChromiumProfile on a fake camera, a fake edge, a new page, a new candidate's URL. */
export interface ExamBrowser {
  chromium: ChromiumProfile;
  edge: FakeEdge;
  page: Page;
  url: string;
}

/**
 * Runs `work` in Chromium with `video` as its camera and a fresh fake edge (with `edge` options) on the site's edge
 * port, on a new page and the exam URL at `site` of a candidate of its own; both are closed after, whatever happens.
 */
export async function withExamBrowser<T>(
  site: ExamSite,
  opts: { video: string; edge?: FakeEdgeOptions },
  work: (b: ExamBrowser) => Promise<T>,
): Promise<T> {
  const edge = await startFakeEdge({ ...opts.edge, port: site.edgePort });
  const chromium = await launchChromium({ profile: true, fakeVideo: opts.video });
  try {
    const page = await chromium.context.newPage();
    const token = fakeExamToken({ tenant_id: 't1', exam_schedule_id: 's1', user_id: `u-${Date.now()}`, attempt_no: 1 });
    return await work({ chromium, edge, page, url: examUrl(site.origin, token, edge.url) });
  } finally {
    await chromium.close();
    await edge.close();
  }
}

/**
 * Consent (and the thumbnails consent when the session's policy asks it), then past the setup check
 * (preflight.browser.test.ts tests the check itself) to the exam.
 */
export async function acceptAndStart(page: Page): Promise<void> {
  await page.waitForSelector(
    '#step-consent:not([hidden]), #step-thumbnails:not([hidden]), #step-preflight:not([hidden])',
  );
  if (await page.isVisible('#step-consent')) await page.click('#consent-accept');
  await page.waitForSelector('#step-preflight:not([hidden]), #step-thumbnails:not([hidden])');
  if (await page.isVisible('#step-thumbnails')) await page.click('#thumbnails-accept');
  await page.click('#preflight-continue');
}

export async function launchExam(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await acceptAndStart(page);
  await page.waitForSelector('body[data-phase="calibrating"], body[data-phase="running"]', { timeout: 90_000 });
}

export async function bodyData(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => ({ ...document.body.dataset }) as Record<string, string>);
}

export async function loggedEventIds(page: Page): Promise<string[]> {
  return page.$$eval('#events li', (lis) => lis.map((li) => (li as HTMLElement).dataset.eventId ?? ''));
}

export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}
