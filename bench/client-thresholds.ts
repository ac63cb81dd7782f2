// How the light and face-size thresholds were chosen: the client's own detector (short+full, tfjs WASM on Node,
// frames at the 320 px analysis size) on real desk-distance face photos from npm packages, made darker or brighter
// step by step and shrunk or enlarged step by step. Prints detection rate and median score against mean luma and
// against face width (fraction of the frame), relative to the same faces as shot.
import { execFileSync } from 'node:child_process';
import type { FaceDetection } from '@proctor/client';
import { createFaceEngine } from '@proctor/client/detector/faceEngine';
import { frameLuma } from '@proctor/client/detector/frameLuma';
import { initNodeWasm, loadNodeModel } from '@proctor/client/test/nodeModels';
import { deskOrigin, FRAME_HEIGHT, FRAME_WIDTH, ffmpegRgb, SAMPLE_PHOTOS } from '@proctor/testkit/camera';
import { detectRgb, faceAt } from './lib/faceAt.ts';
import { expose, gaussian, seededUniform, toRgba } from './lib/webcamFrame.ts';

const W = 320; // ANALYSIS_MAX_WIDTH: the client analyses frames at this width
const H = 240;
const PRESENCE = 0.5; // DERIVE_DEFAULTS.presenceScore
const CONFIDENT = Number(process.env.CONFIDENT ?? 0.75); // the preflight's minScore, to check it
/** Exposure factors: every RGB channel times f (f < 1 a dimmer room, f > 1 over-exposure, clipped at 255). */
const LIGHT = [3, 2.5, 2, 1.6, 1.3, 1, 0.8, 0.6, 0.5, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.07];
/** Sensor noise a webcam adds when it raises its gain in a dim room (σ in luma levels, after the scaling). */
const NOISE_SIGMA = 6;
/** Face scale against the desk crop: > 1 the candidate leaning in, < 1 sitting back. */
const SIZES = [1.8, 1.5, 1.25, 1, 0.8, 0.65, 0.5, 0.4, 0.33, 0.25, 0.2, 0.15];

interface Target {
  name: string;
  rgb: Uint8Array; // W×H
  /** The face the crop is centred on, normalized. */
  at: { x: number; y: number };
}

const noise = gaussian(seededUniform(17));
/** One raw W×H RGB frame through an ffmpeg filter chain, back as raw RGB of the same size. */
const scaleRaw = (rgb: Uint8Array, filter: string) =>
  new Uint8Array(
    execFileSync(
      'ffmpeg',
      [
        '-loglevel',
        'error',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        '-s',
        `${W}x${H}`,
        '-i',
        'pipe:0',
        '-vf',
        filter,
      ].concat(['-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']),
      { input: rgb, maxBuffer: 4 * 1024 * 1024 },
    ),
  );
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : Number.NaN;
};

await initNodeWasm();
const engine = createFaceEngine(
  { short: await loadNodeModel('short'), full: await loadNodeModel('full') },
  'short+full',
);
const detect = async (rgb: Uint8Array, at: Target['at']) => faceAt(await detectRgb(engine, rgb, W, H), at);

// Desk crops around each hand-counted face, downscaled to the analysis size.
const targets: Target[] = SAMPLE_PHOTOS.flatMap((p) =>
  p.faces.map((face, i) => {
    const [x, y] = deskOrigin(p, i);
    return {
      name: `${p.file.slice(-11)}#${i}`,
      rgb: ffmpegRgb([p.file], `crop=${FRAME_WIDTH}:${FRAME_HEIGHT}:${x}:${y},scale=${W}:${H}`),
      at: { x: (face[0] - x) / FRAME_WIDTH, y: (face[1] - y) / FRAME_HEIGHT },
    };
  }),
);
// Only faces the detector finds as shot count: the question is what the change costs, not the photo set's recall.
const base = new Map<Target, FaceDetection>();
for (const t of targets) {
  const f = await detect(t.rgb, t.at);
  if (f && f.score >= PRESENCE) base.set(t, f);
}
const found = [...base.keys()];
console.log(
  `${found.length} of ${targets.length} desk faces found as shot (score >= ${PRESENCE}); all rates below are of those`,
);

console.log(`\n| exposure | noise | median mean luma | luma range | detected | score >= ${CONFIDENT} | median score |`);
console.log('|---|---|---|---|---|---|---|');
for (const sigma of [0, NOISE_SIGMA]) {
  for (const f of LIGHT) {
    if (sigma && f > 1) continue; // gain noise belongs to dim rooms
    const lumas: number[] = [];
    const scores: number[] = [];
    for (const t of found) {
      const rgb = expose(t.rgb, f, sigma, noise);
      lumas.push(frameLuma(toRgba(rgb), W, H).mean);
      scores.push((await detect(rgb, t.at))?.score ?? 0);
    }
    const hit = scores.filter((s) => s >= PRESENCE).length;
    const sure = scores.filter((s) => s >= CONFIDENT).length;
    console.log(
      `| ×${f} | ${sigma ? `σ ${sigma}` : 'none'} | ${median(lumas).toFixed(0)} | ${Math.min(...lumas).toFixed(0)}–${Math.max(...lumas).toFixed(0)} | ` +
        `${hit}/${found.length} (${((100 * hit) / found.length).toFixed(0)}%) | ${((100 * sure) / found.length).toFixed(0)}% | ${median(scores).toFixed(2)} |`,
    );
  }
}

console.log(`\n| face scale | median face width (of frame) | detected | score >= ${CONFIDENT} | median score |`);
console.log('|---|---|---|---|---|');
for (const s of SIZES) {
  const widths: number[] = [];
  const scores: number[] = [];
  for (const t of found) {
    // Scale the crop about its centre: shrink onto grey, or enlarge and crop back to the frame.
    const filter =
      s < 1
        ? `scale=${Math.round(W * s)}:${Math.round(H * s)},pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:gray`
        : `scale=${Math.round(W * s)}:${Math.round(H * s)},crop=${W}:${H}`;
    const scaled = s === 1 ? t.rgb : scaleRaw(t.rgb, filter);
    const at = { x: 0.5 + (t.at.x - 0.5) * s, y: 0.5 + (t.at.y - 0.5) * s };
    if (at.x < 0.1 || at.x > 0.9 || at.y < 0.1 || at.y > 0.9) continue; // enlarged out of the frame
    widths.push(base.get(t)!.box.width * s);
    scores.push((await detect(scaled, at))?.score ?? 0);
  }
  const hit = scores.filter((x) => x >= PRESENCE).length;
  const sure = scores.filter((x) => x >= CONFIDENT).length;
  console.log(
    `| ×${s} | ${median(widths).toFixed(3)} (${Math.min(...widths).toFixed(3)}–${Math.max(...widths).toFixed(3)}) | ` +
      `${hit}/${scores.length} (${((100 * hit) / scores.length).toFixed(0)}%) | ${((100 * sure) / scores.length).toFixed(0)}% | ${median(scores).toFixed(2)} |`,
  );
}
