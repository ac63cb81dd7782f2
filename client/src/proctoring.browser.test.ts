// The exam page and library end to end in real headless Chromium with a fake camera playing real face photos,
// against a recording stand-in for the edge (edge.browser.test.ts covers the real edge and Kafka).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChromiumProfile } from '@proctor/testkit/browser';
import { writeFakeCamera } from '@proctor/testkit/camera';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyData, launchExam, loggedEventIds, until, withExamBrowser } from '../test/examFlow.ts';
import { buildExamSite, type ExamSite, serveExamSite } from '../test/examSite.ts';
import type { FakeEdge } from '../test/fakeEdge.ts';

const OUT = join(import.meta.dirname, '..', '..', 'test-output', 'client');
const SITE_PORT = 14_391;
let site: ExamSite;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  site = await serveExamSite(buildExamSite(), SITE_PORT);
});
afterAll(async () => {
  await site?.stop();
});

async function withExam(
  video: string,
  fn: (ctx: {
    page: Page;
    edge: FakeEdge;
    chromium: ChromiumProfile;
    url: string;
    requests: string[];
  }) => Promise<void>,
) {
  await withExamBrowser(site, { video }, async ({ chromium, edge, page, url }) => {
    const requests: string[] = [];
    chromium.context.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
    page.on('console', (m) => m.type() === 'error' && console.log('page error:', m.text()));
    await fn({ page, edge, chromium, url, requests });
  });
}

describe('exam page in Chromium with a fake camera', () => {
  it('one candidate: calibrates, reports the backend, raises no anomaly, sends nothing but JSON', async () => {
    const video = writeFakeCamera(OUT, 'single', [['single', 10]]);
    await withExam(video, async ({ page, edge, url, requests }) => {
      await launchExam(page, url);
      await page.waitForSelector('body[data-phase="running"]', { timeout: 60_000 });
      const status = await bodyData(page);
      // WebGPU has no adapter and WebGL runs on SwiftShader here: the fallback must land on WASM.
      expect(status.backend).toBe('wasm');
      await expect(page.textContent('#st-detector')).resolves.toContain('background worker');
      await page.waitForTimeout(8000);
      await page.screenshot({ path: join(OUT, 'exam-page.png'), fullPage: true });
      expect(edge.received).toEqual([]);
      // The page reads the session's config after consent (readSessionConfig); the library's own start follows.
      const start = edge.requests.findLast((r) => r.method === 'POST' && r.path === '/sessions/start');
      expect(start?.body).toMatchObject({ client: { backend: 'wasm' } });
      // Only our two origins, and to the edge only JSON POSTs (plus CORS preflights).
      const edgeOrigin = new URL(edge.url).origin;
      for (const r of requests) {
        const [method, href] = r.split(' ') as [string, string];
        const origin = new URL(href).origin;
        expect([site.origin, edgeOrigin]).toContain(origin);
        if (origin === edgeOrigin) expect(['POST', 'OPTIONS']).toContain(method);
      }
      for (const r of edge.requests.filter((r) => r.bodyBytes > 0)) expect(r.bodyBytes).toBeLessThan(4096);
    });
  });

  it('three faces in view: MULTI_PERSON reaches the edge', async () => {
    const video = writeFakeCamera(OUT, 'three', [['three', 10]]);
    await withExam(video, async ({ page, edge, url }) => {
      await launchExam(page, url);
      const multi = await until('MULTI_PERSON at the edge', () => edge.received.find((e) => e.type === 'MULTI_PERSON'));
      expect(multi.type === 'MULTI_PERSON' && multi.details.faceCount).toBeGreaterThanOrEqual(2);
      expect(multi.confidence).toBeGreaterThan(0.6);
    });
  });

  it('nobody in view: NO_FACE reaches the edge with its duration', async () => {
    const video = writeFakeCamera(OUT, 'empty', [['empty', 10]]);
    await withExam(video, async ({ page, edge, url }) => {
      await launchExam(page, url);
      const noFace = await until('NO_FACE at the edge', () => edge.received.find((e) => e.type === 'NO_FACE'), 45_000);
      expect(noFace.type === 'NO_FACE' && noFace.details.durationMillis).toBeGreaterThanOrEqual(2000);
      expect(edge.received.filter((e) => e.type === 'MULTI_PERSON')).toEqual([]);
    });
  });

  it('edge down, page reloaded, edge back: every queued event is delivered exactly once', async () => {
    const video = writeFakeCamera(OUT, 'mixed', [
      ['single', 6],
      ['empty', 5],
      ['three', 4],
    ]);
    await withExam(video, async ({ page, edge, url }) => {
      await launchExam(page, url);
      await until('connection online', async () => (await bodyData(page)).connection === 'online');
      await edge.down();
      await until(
        'two events queued while the edge is down',
        async () => Number((await bodyData(page)).queued) >= 2,
        60_000,
      );
      const beforeReload = await loggedEventIds(page);

      // A fresh page load: the queue lives in IndexedDB, the fragment launches the same session again.
      await page.goto('about:blank');
      await launchExam(page, url);
      await until('queue restored after reload', async () => Number((await bodyData(page)).queued) >= 2, 20_000);
      await edge.up();

      const afterReload = await loggedEventIds(page);
      const generated = [...new Set([...beforeReload, ...afterReload])];
      expect(generated.length).toBeGreaterThanOrEqual(2);
      await until(
        'every generated event at the edge',
        () => generated.every((id) => edge.received.some((e) => e.eventId === id)),
        90_000,
      );
      await until('queue drained', async () => (await bodyData(page)).queued === '0', 20_000);
      const counts = new Map<string, number>();
      for (const e of edge.received) counts.set(e.eventId, (counts.get(e.eventId) ?? 0) + 1);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    });
  });
});
