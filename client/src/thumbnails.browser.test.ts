// Privacy proof in real Chromium with a fake camera of real faces: with the default policy no image byte leaves the
// exam page during a multi-person scene; with the opt-in exactly the allowed thumbnails leave, each <=5 KB and
// <=96 px, each naming the event it illustrates. Both consent screens are screenshotted into test-output/client.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { THUMBNAIL_LIMITS, type ThumbnailsPolicy } from '@proctor/contracts';
import { readImageHeader } from '@proctor/edge/thumbnails/imageHeader';
import { freePort } from '@proctor/testkit';
import { writeFakeCamera } from '@proctor/testkit/camera';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptAndStart, until, withExamBrowser } from '../test/examFlow.ts';
import { buildExamSite, type ExamSite, serveExamSite } from '../test/examSite.ts';
import type { FakeEdge } from '../test/fakeEdge.ts';

const OUT = join(import.meta.dirname, '..', '..', 'test-output', 'client');
let site: ExamSite;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  site = await serveExamSite(buildExamSite('client-site-thumbnails'), await freePort());
});
afterAll(async () => {
  await site?.stop();
});

interface SeenRequest {
  method: string;
  url: string;
  contentType: string;
  body: Buffer;
}

/** Image signatures anywhere in a body: JPEG SOI, RIFF…WEBP, PNG, GIF. */
function containsImage(body: Buffer): boolean {
  return (
    body.includes(Buffer.from([0xff, 0xd8, 0xff])) ||
    (body.includes(Buffer.from('RIFF')) && body.includes(Buffer.from('WEBP'))) ||
    body.includes(Buffer.from([0x89, 0x50, 0x4e, 0x47])) ||
    body.includes(Buffer.from('GIF8'))
  );
}

/** The page talks to its own origin with GETs only and to the edge only: every byte it sends reaches the edge. */
function expectOnlyOurOrigins(seen: SeenRequest[], edge: FakeEdge) {
  expect(seen.length).toBeGreaterThan(0);
  const edgeOrigin = new URL(edge.url).origin;
  for (const r of seen) {
    const origin = new URL(r.url).origin;
    if (origin === edgeOrigin) expect(['POST', 'OPTIONS'], r.url).toContain(r.method);
    else expect({ origin, method: r.method }, r.url).toEqual({ origin: site.origin, method: 'GET' });
  }
}

async function runExam(
  opts: { video: string; thumbnails?: ThumbnailsPolicy; consentShot: string },
  fn: (ctx: { page: Page; edge: FakeEdge; seen: SeenRequest[] }) => Promise<void>,
) {
  const exam = { video: opts.video, edge: { thumbnails: opts.thumbnails } };
  await withExamBrowser(site, exam, async ({ chromium, edge, page, url }) => {
    const seen: SeenRequest[] = [];
    // Every request of every page and worker of this browser context, with its body as sent.
    chromium.context.on('request', (r) =>
      seen.push({
        method: r.method(),
        url: r.url(),
        contentType: r.headers()['content-type'] ?? '',
        body: r.postDataBuffer() ?? Buffer.alloc(0),
      }),
    );
    await page.goto(url);
    await page.waitForSelector('#step-consent:not([hidden])');
    await page.click('#consent-accept');
    // The policy is read only after the first consent; an opt-in asks its own consent before the camera starts.
    await page.waitForSelector('#step-preflight:not([hidden]), #step-thumbnails:not([hidden])');
    await page.screenshot({ path: join(OUT, opts.consentShot), fullPage: true });
    await acceptAndStart(page);
    await page.waitForSelector('body[data-phase="calibrating"], body[data-phase="running"]', { timeout: 90_000 });
    await fn({ page, edge, seen });
  });
}

describe('thumbnails privacy proof in Chromium', () => {
  it('default policy, three people in view: MULTI_PERSON is sent, no image byte ever leaves the page', async () => {
    const video = writeFakeCamera(OUT, 'three-default', [['three', 10]]);
    await runExam({ video, consentShot: 'consent-default.png' }, async ({ page, edge, seen }) => {
      expect(await page.textContent('#consent-no-images')).toMatch(/No video or audio is ever recorded or sent/);
      expect(await page.getAttribute('body', 'data-thumbnails')).toBe('off');
      await until('MULTI_PERSON at the edge', () => edge.received.find((e) => e.type === 'MULTI_PERSON'), 60_000);
      // Keep the scene going past the confirmation: a capture would happen right after it.
      await page.waitForTimeout(6000);
      expectOnlyOurOrigins(seen, edge);
      // What the edge received, byte for byte (a Blob body is invisible to the browser-side request log).
      expect(edge.requests.length).toBeGreaterThan(0);
      for (const r of edge.requests) {
        expect(containsImage(r.raw), `${r.method} ${r.path}`).toBe(false);
        expect(r.contentType, `${r.method} ${r.path}`).not.toMatch(/^image\//);
        expect(r.path.startsWith('/thumbnails')).toBe(false);
        expect(r.bodyBytes, r.path).toBeLessThan(4096);
      }
      for (const r of seen) expect(containsImage(r.body), `${r.method} ${r.url}`).toBe(false);
      expect(edge.thumbnails).toEqual([]);
    });
  });

  it('opt-in (MULTI_PERSON, at most 2 an hour): exactly two thumbnails, <=5 KB and <=96 px, for the first two', async () => {
    // Three anomalies: a group, the candidate alone long enough to end it, the group again, alone, the group.
    const video = writeFakeCamera(OUT, 'three-alternating', [
      ['three', 6],
      ['single', 8],
      ['three', 6],
      ['single', 8],
      ['three', 6],
      ['single', 8],
    ]);
    const thumbnails: ThumbnailsPolicy = { enabled: true, types: ['MULTI_PERSON'], maxPerHour: 2 };
    await runExam({ video, thumbnails, consentShot: 'consent-thumbnails.png' }, async ({ page, edge, seen }) => {
      const consent = await page.textContent('#consent-thumbnails');
      expect(consent).toMatch(/one tiny still picture/);
      expect(consent).toMatch(/at most 96 pixels wide/);
      expect(await page.textContent('#consent-thumbnail-max')).toBe('2');
      expect(await page.getAttribute('body', 'data-thumbnails')).toBe('on');

      const multi = await until(
        'three MULTI_PERSON events at the edge',
        () => {
          const ids = [...new Set(edge.received.filter((e) => e.type === 'MULTI_PERSON').map((e) => e.eventId))];
          return ids.length >= 3 && ids;
        },
        110_000,
      );
      await until('two thumbnails', () => edge.thumbnails.length >= 2, 20_000);
      await page.waitForTimeout(3000);
      expect(edge.thumbnails.map((t) => t.eventId)).toEqual(multi.slice(0, 2));
      for (const t of edge.thumbnails) {
        expect(t.type).toBe('MULTI_PERSON');
        expect(t.bytes.length).toBeLessThanOrEqual(THUMBNAIL_LIMITS.maxBytes);
        const header = readImageHeader(new Uint8Array(t.bytes));
        expect(header.ok, JSON.stringify(header)).toBe(true);
        if (!header.ok) continue;
        expect(header.image.contentType).toBe(t.contentType);
        expect(header.image.width).toBeLessThanOrEqual(THUMBNAIL_LIMITS.maxWidth);
        expect(header.image.height).toBeLessThanOrEqual(THUMBNAIL_LIMITS.maxHeight);
      }
      // Image bytes leave in those two requests and nowhere else.
      expectOnlyOurOrigins(seen, edge);
      const withImages = edge.requests.filter((r) => containsImage(r.raw) || r.contentType.startsWith('image/'));
      expect(withImages.map((r) => new URL(r.path, edge.url).pathname)).toEqual(['/thumbnails', '/thumbnails']);
      console.log(
        `thumbnails: ${edge.thumbnails.map((t) => `${t.contentType} ${t.bytes.length} B`).join(', ')}; ` +
          `screenshots in ${OUT}`,
      );
    });
  });
});
