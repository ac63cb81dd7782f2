// The sign-in and session hardening in real Chromium: a platform launch POSTs the token (it never reaches the
// browser's history), an old token link signs nobody in, `next` cannot leave the site, a bad cookie really goes,
// sign-out ends the session, and the dashboard's pages run under their CSP without a single violation.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { launchChromium } from '@proctor/testkit/browser';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../src/server/auth/sessionCookie.ts';
import { launchInBrowser, rand, useTestDashboard } from './testDashboard.ts';

const T = `tenant-sb-${rand(3)}`;
const SCHEDULE = 'exam-sb';

const dash = useTestDashboard('dash-secb');
let sessionId = '';

beforeAll(async () => {
  sessionId = await dash.seedSession({ tenantId: T, scheduleId: SCHEDULE, userId: 'cand-sb', risk: 64 });
  await dash.markLive(sessionId);
  await dash.seedAlert({ tenantId: T, sessionId, rule: 'multi_person', severity: 'critical' });
  await dash.seedSnapshots(T, sessionId, [10, 30, 64]);
}, 180_000);

/** A browser with its own profile on disk, so its History database can be read afterwards. */
async function withProfile<T>(
  work: (context: BrowserContext, page: Page) => Promise<T>,
): Promise<{ result: T; history: string[] }> {
  const profile = await launchChromium({ profile: true });
  try {
    const page = profile.context.pages()[0] ?? (await profile.context.newPage());
    const result = await work(profile.context, page);
    await profile.context.close(); // flushes the History database
    const history = new DatabaseSync(join(profile.userDataDir, 'Default', 'History'), { readOnly: true });
    const urls = (history.prepare('SELECT url FROM urls').all() as { url: string }[]).map((r) => r.url);
    history.close();
    return { result, history: urls };
  } finally {
    await profile.close();
  }
}

async function launchFromPlatform(page: Page, token: string, next = '/'): Promise<void> {
  await launchInBrowser(page, dash.app.url, token, next);
  await page.waitForURL((u) => u.pathname !== '/login');
}

const sessionCookie = async (context: BrowserContext) =>
  (await context.cookies(dash.app.url)).find((c) => c.name === SESSION_COOKIE);

describe('sign-in without a token in any URL', () => {
  it('a platform launch signs in and no URL in the browser history holds the token', async () => {
    const token = await dash.issuer.proctor(T);
    const { result, history } = await withProfile(async (context, page) => {
      await launchFromPlatform(page, token, `/schedules/${SCHEDULE}`);
      await expect.poll(() => page.locator('#session-rows a.row-link').allInnerTexts()).toEqual(['cand-sb']);
      return { url: page.url(), cookie: await sessionCookie(context) };
    });
    expect(new URL(result.url).pathname).toBe(`/schedules/${SCHEDULE}`);
    expect(result.cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(history.some((u) => u.startsWith(dash.app.url))).toBe(true); // the database did record the visit
    const signature = token.split('.')[2] as string;
    expect(history.filter((u) => u.includes(signature) || u.includes('token='))).toEqual([]);
  });

  it('an old token link signs nobody in, says how to sign in, and takes the token out of the address', async () => {
    const { result } = await withProfile(async (context, page) => {
      const res = await page.goto(`${dash.app.url}/login?token=${await dash.issuer.proctor(T)}&next=/`);
      await page.waitForFunction(() => !location.search.includes('token='));
      return {
        status: res?.status(),
        text: await page.locator('[role=alert]').innerText(),
        url: page.url(),
        cookie: await sessionCookie(context),
      };
    });
    expect(result.status).toBe(400);
    expect(result.text).toContain('POST to /login');
    expect(result.url).not.toContain('token=');
    expect(result.cookie).toBeUndefined();
  });

  it.each(['/%09/evil.example/phish', '/%2F/evil.example/phish', '/%5Cevil.example/phish'])(
    'next=%s after login stays on the dashboard',
    async (next) => {
      const { result } = await withProfile(async (_context, page) => {
        await launchFromPlatform(page, await dash.issuer.proctor(T), next);
        return page.url();
      });
      expect(new URL(result).origin).toBe(dash.app.url);
      expect(new URL(result).pathname).toBe('/');
    },
  );
});

describe('cookies and sessions in the browser', () => {
  /** Sets a cookie the way a stale or forged one would sit in the browser (script-set, so without HttpOnly). */
  const plantCookie = (page: Page, value: string) =>
    page.evaluate(
      ([name, v]) => {
        // biome-ignore lint/suspicious/noDocumentCookie: planting a stale cookie the way a script could is the point.
        document.cookie = `${name}=${v}; Secure; Path=/; SameSite=Lax`;
      },
      [SESSION_COOKIE, value] as const,
    );

  it('a bad session cookie is really deleted (same attributes as set)', async () => {
    const { result } = await withProfile(async (context, page) => {
      await page.goto(`${dash.app.url}/login`);
      await plantCookie(page, 'garbage~x');
      const planted = await sessionCookie(context);
      await page.goto(`${dash.app.url}/schedules/${SCHEDULE}`);
      return { planted, path: new URL(page.url()).pathname, cookie: await sessionCookie(context) };
    });
    expect(result.planted?.value).toBe('garbage~x');
    expect(result.path).toBe('/login');
    expect(result.cookie).toBeUndefined();
  });

  it('sign-out ends the session: the cookie goes, the old cookie is refused, and going back shows nothing', async () => {
    const { result } = await withProfile(async (context, page) => {
      await launchFromPlatform(page, await dash.issuer.proctor(T), `/schedules/${SCHEDULE}`);
      const before = await sessionCookie(context);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((u) => u.pathname === '/login', { timeout: 10_000 });
      const signedOut = page.url();
      const after = await sessionCookie(context);
      await page.goBack();
      const back = { path: new URL(page.url()).pathname, text: await page.locator('body').innerText() };
      // The old cookie, put back, names a session that no longer exists.
      await page.goto(`${dash.app.url}/login`);
      await plantCookie(page, before?.value ?? '');
      await page.goto(`${dash.app.url}/schedules/${SCHEDULE}`);
      return { before, after, signedOut, back, replayed: new URL(page.url()).pathname };
    });
    expect(result.before).toBeDefined();
    expect(result.signedOut).toContain('reason=signedout');
    expect(result.after).toBeUndefined();
    expect(result.back.text).not.toContain('cand-sb');
    expect(result.replayed).toBe('/login');
  });
});

describe('content security policy', () => {
  it('no page of the dashboard causes a CSP violation', async () => {
    const { result } = await withProfile(async (context, page) => {
      const violations: string[] = [];
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          const w = window as unknown as { __csp?: string[] };
          w.__csp = w.__csp ?? [];
          w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
        });
      });
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      const csp: string[] = [];
      await page.goto(`${dash.app.url}/login`);
      csp.push((await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).join('\n'));
      await launchFromPlatform(page, await dash.issuer.proctor(T));
      for (const path of ['/', `/schedules/${SCHEDULE}`, `/sessions/${sessionId}`]) {
        const res = await page.goto(`${dash.app.url}${path}`);
        expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self' 'sha256-/);
        await page.waitForLoadState('networkidle');
        csp.push((await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).join('\n'));
      }
      // The pages really ran their scripts: the live list connected and the risk chart drew.
      await page.goto(`${dash.app.url}/schedules/${SCHEDULE}`);
      await expect.poll(() => page.locator('#live').getAttribute('data-state')).toBe('live');
      await page.goto(`${dash.app.url}/sessions/${sessionId}`);
      await expect.poll(() => page.locator('canvas').count()).toBeGreaterThan(0);
      return { violations, csp: csp.filter(Boolean) };
    });
    expect(result.violations).toEqual([]);
    expect(result.csp).toEqual([]);
  });
});
