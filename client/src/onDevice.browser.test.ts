// On-device checks end to end in real Chromium with fake-camera clips of real photos: identity continuity, browser
// signals on and off, low light, no embedding on the wire, and the candidate's receipt.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type AnomalyEvent, type BrowserSignalsPolicy, type Receipt, receiptHead } from '@proctor/contracts';
import { launchChromium } from '@proctor/testkit/browser';
import { writeFakeCamera } from '@proctor/testkit/camera';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDetectorPage, serveDetectorPage } from '../test/detectorPage.ts';
import { until } from '../test/examFlow.ts';
import { type FakeEdge, fakeExamToken, startFakeEdge } from '../test/fakeEdge.ts';

const OUT = join(import.meta.dirname, '..', '..', 'test-output', 'client-ondevice');
let detectorPage: { url: string; close(): Promise<void> };

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  detectorPage = await serveDetectorPage(await buildDetectorPage(), false);
}, 180_000);
afterAll(async () => detectorPage?.close());

async function withProctoring(
  video: string,
  browserSignals: BrowserSignalsPolicy | undefined,
  fn: (ctx: { page: Page; edge: FakeEdge; bodies: string[] }) => Promise<void>,
) {
  const edge = await startFakeEdge({ browserSignals });
  const chromium = await launchChromium({ profile: true, fakeVideo: video });
  const bodies: string[] = [];
  chromium.context.on('request', (r) => bodies.push(r.postData() ?? ''));
  try {
    const page = await chromium.context.newPage();
    page.on('console', (m) => m.type() === 'error' && console.log('page error:', m.text()));
    await page.goto(detectorPage.url);
    const token = fakeExamToken({ tenant_id: 't1', exam_schedule_id: 's1', user_id: `u-${Date.now()}`, attempt_no: 1 });
    // Checks every second and a two-check reference, so a test needs seconds of clip, not minutes.
    await page.evaluate(
      ({ baseUrl, token }) =>
        (window as never as { runProctoring: (o: unknown) => Promise<string> }).runProctoring({
          baseUrl,
          token,
          identity: { checkIntervalMs: 1000, calibrationChecks: 2, minChangeMs: 3000 },
        }),
      { baseUrl: edge.url, token },
    );
    await fn({ page, edge, bodies });
  } finally {
    await chromium.close();
    await edge.close();
  }
}

const identityChecks = (page: Page) =>
  page.evaluate(
    () =>
      (window as never as { proctor: { handle: { status: { identity?: { checks: number } } } } }).proctor.handle.status
        .identity?.checks ?? 0,
  );
const stopAndReceipt = (page: Page) =>
  page.evaluate(async () => {
    const { handle } = (
      window as never as { proctor: { handle: { stop(): Promise<void>; receipt(): Promise<unknown> } } }
    ).proctor;
    await handle.stop();
    return handle.receipt();
  }) as Promise<Receipt>;

/** Any array of 32+ numbers anywhere in a JSON body: what an embedding would look like on the wire. */
function hasVector(value: unknown): boolean {
  if (Array.isArray(value))
    return (value.length >= 32 && value.every((v) => typeof v === 'number')) || value.some(hasVector);
  if (value && typeof value === 'object') return Object.values(value).some(hasVector);
  return false;
}

describe('on-device checks in Chromium', () => {
  it('one person the whole session: identity is checked, no IDENTITY_CHANGED; the receipt verifies, a changed event fails', async () => {
    const video = writeFakeCamera(OUT, 'single-long', [['single', 60]]);
    await withProctoring(video, undefined, async ({ page, edge }) => {
      await until('8 identity checks', async () => ((await identityChecks(page)) >= 8 ? true : undefined), 120_000);
      const receipt = await stopAndReceipt(page);
      expect(edge.received.filter((e) => e.type === 'IDENTITY_CHANGED')).toEqual([]);
      // Receipt: the chain recomputes to its head, and the events are the ones the edge received.
      expect(await receiptHead(receipt.sessionId, receipt.events)).toBe(receipt.head);
      expect(receipt.events.map((e) => e.eventId).sort()).toEqual(edge.received.map((e) => e.eventId).sort());
      const changed = structuredClone(receipt.events);
      changed.push({ ...(edge.received[0] ?? fakeEvent()), confidence: 0.01 } as AnomalyEvent);
      expect(await receiptHead(receipt.sessionId, changed)).not.toBe(receipt.head);
    });
  }, 240_000);

  it('a different person takes over: one IDENTITY_CHANGED with similarity and duration, no embedding on the wire', async () => {
    const video = writeFakeCamera(OUT, 'takeover', [
      ['single', 25],
      ['other', 60],
    ]);
    await withProctoring(video, undefined, async ({ page, edge, bodies }) => {
      const changed = await until(
        'IDENTITY_CHANGED at the edge',
        () => edge.received.find((e) => e.type === 'IDENTITY_CHANGED'),
        180_000,
      );
      await page.waitForTimeout(6000); // the other person stays: still one event
      await stopAndReceipt(page);
      expect(edge.received.filter((e) => e.type === 'IDENTITY_CHANGED')).toHaveLength(1);
      expect(Object.keys(changed.details).sort()).toEqual(['durationMillis', 'similarity', 'threshold']);
      if (changed.type === 'IDENTITY_CHANGED')
        expect(changed.details.similarity).toBeLessThan(changed.details.threshold);
      // Every request body the page sent (edge and anything else): JSON without a vector of numbers.
      expect(bodies.length).toBeGreaterThan(2);
      for (const b of bodies.filter(Boolean)) expect(hasVector(JSON.parse(b))).toBe(false);
    });
  }, 300_000);

  for (const enabled of [true, false]) {
    it(`tab hidden and fullscreen exit ${enabled ? 'arrive as events when enabled' : 'send nothing when disabled'}`, async () => {
      const video = writeFakeCamera(OUT, 'single-signals', [['single', 30]]);
      const cfg = { enabled, requireFullscreen: true };
      await withProctoring(video, cfg, async ({ page, edge }) => {
        await until('session started', () => edge.requests.find((r) => r.path === '/sessions/start'));
        await page.waitForTimeout(1000);
        // Playwright evaluates with a user gesture, which requestFullscreen needs.
        await page.evaluate(() => document.documentElement.requestFullscreen());
        await page.waitForTimeout(300);
        await page.evaluate(() => document.exitFullscreen());
        await page.waitForTimeout(1500);
        await page.evaluate(() => document.documentElement.requestFullscreen());
        // Page hidden. Playwright keeps every page visible by design (microsoft/playwright#2286: a background tab or
        // a minimised window stays 'visible'), so the tab switch is what the browser would report: visibilityState
        // 'hidden' with a visibilitychange event, for 2 s, then 'visible' again.
        const setVisibility = (state: string) =>
          page.evaluate((v) => {
            Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => v });
            document.dispatchEvent(new Event('visibilitychange'));
          }, state);
        await setVisibility('hidden');
        await page.waitForTimeout(2000);
        const hidden = await page.evaluate(() => document.visibilityState);
        await setVisibility('visible');
        await page.waitForTimeout(500);
        await stopAndReceipt(page);
        const types = edge.received.map((e) => e.type);
        if (enabled) {
          expect(types).toContain('FULLSCREEN_EXIT');
          expect(hidden).toBe('hidden');
          expect(types).toContain('FOCUS_LOST');
        } else {
          expect(types.filter((t) => ['FOCUS_LOST', 'FULLSCREEN_EXIT', 'CLIPBOARD'].includes(t))).toEqual([]);
        }
      });
    }, 180_000);
  }

  it('a dark room: LOW_LIGHT (a condition), not CAMERA_BLOCKED', async () => {
    const video = writeFakeCamera(OUT, 'dark', [['dark', 30]]);
    await withProctoring(video, undefined, async ({ page, edge }) => {
      const low = await until(
        'LOW_LIGHT at the edge',
        () => edge.received.find((e) => e.type === 'LOW_LIGHT'),
        120_000,
      );
      await stopAndReceipt(page);
      expect(low.type === 'LOW_LIGHT' && low.details.meanLuma).toBeGreaterThan(25);
      expect(edge.received.filter((e) => e.type === 'CAMERA_BLOCKED')).toEqual([]);
    });
  }, 180_000);
});

function fakeEvent(): AnomalyEvent {
  return {
    eventId: '00000000-0000-4000-8000-000000000001',
    type: 'NO_FACE',
    timestamp: Date.now(),
    confidence: 0.5,
    details: { durationMillis: 1000 },
  };
}
