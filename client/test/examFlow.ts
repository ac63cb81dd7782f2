// Drives the candidate exam page in Chromium: launch by URL fragment, consent, wait for a status.
import type { Page } from 'playwright-core';

export function examUrl(site: string, token: string, edge: string): string {
  return `${site}/exam#token=${encodeURIComponent(token)}&edge=${encodeURIComponent(edge)}`;
}

/** Consent, then past the setup check (preflight.browser.test.ts tests the check itself) to the exam. */
export async function acceptAndStart(page: Page): Promise<void> {
  await page.waitForSelector('#consent-accept:not([disabled])');
  await page.click('#consent-accept');
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
    await new Promise((r) => setTimeout(r, 250));
  }
}
