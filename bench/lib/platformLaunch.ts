// How a bench's Chromium page signs in to the dashboard: as the exam platform's launch does, from an origin the
// bench's dashboard trusts.
import type { Page } from 'playwright-core';

/** The bench's exam platform: its launch page is served by the browser itself (page.route); the dashboard trusts it. */
export const BENCH_PLATFORM = 'http://platform.bench';

/**
 * Signs `page` in as a platform launch does: the platform's page POSTs the token to /login (GET /login?token= does
 * not sign in, and only a PLATFORM_ORIGINS page may sign in cross-site), and waits for the dashboard to land on `next`.
 */
export async function launchFromPlatform(page: Page, dashboardUrl: string, token: string, next: string) {
  const launch = `${BENCH_PLATFORM}/launch`;
  await page.route(launch, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body:
        `<form method="post" action="${dashboardUrl}/login"><input type="hidden" name="token" value="${token}">` +
        `<input type="hidden" name="next" value="${next}"></form><script>document.forms[0].submit()</script>`,
    }),
  );
  await Promise.all([page.waitForURL(`${dashboardUrl}${next}`, { waitUntil: 'load' }), page.goto(launch)]);
}
