// Detector speed per tfjs backend in headless Chromium (fake camera, real photo), through the library's worker.
// Prints median ms per 640×480 frame for every backend that initializes, and the webgl/wasm ratio.

import { buildDetectorPage, serveDetectorPage } from '@proctor/client/test/detectorPage';
import { launchChromium } from '@proctor/testkit/browser';
import { writeFakeCamera } from '@proctor/testkit/camera';

const FRAMES = Number(process.env.FRAMES ?? 15);
/** The usual run: both models, no software GPU, not cross-origin isolated; each run says what it changes. */
const usual = { models: 'short+full', allowSoftwareGpu: false, isolated: false };
const backendRun = (label: string, backends: string[], changes: Partial<typeof usual> = {}) => ({
  label,
  backends,
  ...usual,
  ...changes,
});
const runs = [
  backendRun('webgpu (SwiftShader)', ['webgpu'], { allowSoftwareGpu: true }),
  backendRun('webgl (SwiftShader)', ['webgl'], { allowSoftwareGpu: true }),
  backendRun('wasm simd', ['wasm']),
  backendRun('wasm simd+threads (COOP/COEP)', ['wasm'], { isolated: true }),
  backendRun('wasm simd, short only', ['wasm'], { models: 'short' }),
  backendRun('wasm simd, full only', ['wasm'], { models: 'full' }),
  backendRun('default order, no software GPU', ['webgpu', 'webgl', 'wasm']),
];

const dir = await buildDetectorPage();
const plain = await serveDetectorPage(dir, false);
const isolated = await serveDetectorPage(dir, true);
const video = writeFakeCamera(`${import.meta.dirname}/../test-output/client`, 'bench-single', [['single', 5]]);
const chromium = await launchChromium({ profile: true, fakeVideo: video, extraArgs: ['--enable-unsafe-webgpu'] });
const results: Record<string, number | undefined> = {};
try {
  console.log('| run | backend used | threads | median ms/frame | faces | note |');
  console.log('|---|---|---|---|---|---|');
  for (const run of runs) {
    const page = await chromium.context.newPage(); // a fresh page per run: a hung worker stays behind
    await page.goto((run.isolated ? isolated : plain).url);
    await page.waitForFunction(() => 'benchDetector' in window);
    const r = await page
      .evaluate(
        (o) =>
          Promise.race([
            (window as unknown as { benchDetector: (o: unknown) => Promise<unknown> }).benchDetector(o),
            new Promise((_, fail) => setTimeout(() => fail(new Error(`no result within ${o.limitMs} ms`)), o.limitMs)),
          ]),
        {
          backends: [...run.backends],
          models: run.models,
          allowSoftwareGpu: run.allowSoftwareGpu,
          frames: FRAMES,
          limitMs: 120_000,
        },
      )
      .then(
        (v) =>
          v as {
            info: { backend: string; threads?: number; attempts: Array<{ backend: string; reason?: string }> };
            medianMs: number;
            faces: number;
            crossOriginIsolated: boolean;
          },
        (err: Error) => ({ error: err.message.split('\n')[0] }),
      );
    if ('error' in r) {
      console.log(`| ${run.label} | — | — | — | — | did not initialize: ${r.error?.slice(0, 160)} |`);
      await page.close().catch(() => undefined);
      continue;
    }
    results[run.label] = r.medianMs;
    const skipped = r.info.attempts
      .filter((a) => a.reason)
      .map((a) => `${a.backend}: ${a.reason}`)
      .join('; ');
    console.log(
      `| ${run.label} | ${r.info.backend} | ${r.info.threads ?? '—'} | ${r.medianMs.toFixed(1)} | ${r.faces} | ${skipped.slice(0, 140)} |`,
    );
  }
} finally {
  await chromium.close();
  await plain.close();
  await isolated.close();
}
const webgl = results['webgl (SwiftShader)'];
const wasm = results['wasm simd'];
if (webgl && wasm)
  console.log(`ratio webgl/wasm: ${(webgl / wasm).toFixed(2)} (why the software-GPU check skips webgl here)`);
const threads = results['wasm simd+threads (COOP/COEP)'];
if (threads && wasm) console.log(`ratio wasm threads/single: ${(threads / wasm).toFixed(2)}`);
