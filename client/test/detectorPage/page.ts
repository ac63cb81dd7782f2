// The detector bench page: runs the library's detector (worker) on the fake camera with a forced backend and model.
import { startDetector } from '../../src/detector/detectorClient.ts';
import type { ModelChoice } from '../../src/detector/faceEngine.ts';
import type { BackendName } from '../../src/detector/protocol.ts';

async function benchDetector(o: {
  backends: BackendName[];
  models: ModelChoice;
  allowSoftwareGpu: boolean;
  frames: number;
}) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = stream;
  await video.play();
  const detector = await startDetector({ modelBaseUrl: '/models/', ...o });
  try {
    const times: number[] = [];
    let faces = 0;
    for (let i = 0; i < o.frames + 3; i++) {
      const r = await detector.analyse(video, Date.now());
      if (r && i >= 3) times.push(r.inferenceMs); // the first frames compile kernels / warm caches
      faces = r?.faces.length ?? faces;
    }
    times.sort((a, b) => a - b);
    return { info: detector.info, medianMs: times[Math.floor(times.length / 2)], faces, crossOriginIsolated };
  } finally {
    detector.dispose();
    for (const t of stream.getTracks()) t.stop();
  }
}

Object.assign(window, { benchDetector });

/**
 * The detector (worker, WASM) on the fake camera as a steady scene's frames reach it (scenePace.ts): `frames` frames
 * `everyMs` apart; returns per frame whether the models ran or the frame was unchanged, and its face count.
 */
async function steadyFrames(o: { frames: number; everyMs: number; steady: boolean }) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = stream;
  await video.play();
  const detector = await startDetector({
    modelBaseUrl: '/models/',
    backends: ['wasm'],
    models: 'short+full',
    allowSoftwareGpu: false,
  });
  try {
    const out: Array<{ unchanged: boolean; faces: number }> = [];
    const t0 = Date.now();
    for (let i = 0; i < o.frames; i++) {
      const r = await detector.analyse(video, t0 + i * o.everyMs, o.steady ? { steady: true } : undefined);
      if (r) out.push({ unchanged: r.unchanged === true, faces: r.faces.filter((f) => f.score >= 0.5).length });
    }
    return out;
  } finally {
    detector.dispose();
    for (const t of stream.getTracks()) t.stop();
  }
}

Object.assign(window, { steadyFrames });

/** The whole library on the fake camera against a given edge, for the on-device browser tests. */
async function runProctoring(o: {
  baseUrl: string;
  token: string;
  identity?: Partial<import('../../src/identity/identityTracker.ts').IdentityConfig>;
}) {
  const { startProctoring } = await import('../../src/startProctoring.ts');
  const events: unknown[] = [];
  const statuses: unknown[] = [];
  const handle = await startProctoring({
    baseUrl: o.baseUrl,
    getToken: () => o.token,
    queue: 'memory',
    modelBaseUrl: '/models/',
    backends: ['wasm'],
    flushIntervalMs: 1000,
    identity: o.identity ?? {},
    onEvent: (e) => events.push(e),
    onStatus: (s) => statuses.push(s),
  });
  Object.assign(window, { proctor: { handle, events, statuses } });
  return handle.sessionId;
}

Object.assign(window, { runProctoring });
