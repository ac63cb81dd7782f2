// Picks the tfjs backend: WebGPU, then WebGL, then WASM. A backend counts only if setBackend says so AND a
// first inference on it returns finite numbers; a GPU backend on a software rasterizer is skipped (slower than WASM).
import * as tf from '@tensorflow/tfjs-core';
import type { BackendAttempt, BackendName } from './protocol.ts';

const SOFTWARE_GPU = /swiftshader|llvmpipe|software|basic render/i;
/** Loading both models and one inference takes ~1–5 s on a slow CPU; far longer means the backend is stuck. */
const FIRST_INFERENCE_TIMEOUT_MS = 45_000;

/** Registers a backend's kernels; each is a separate chunk so an unused backend is never downloaded. */
async function register(name: BackendName, wasmBaseUrl: string): Promise<void> {
  if (name === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu');
    // Frames arrive as ImageData, but keep external textures off: with <video> input they give zero boxes.
    tf.env().set('WEBGPU_IMPORT_EXTERNAL_TEXTURE', false);
  } else if (name === 'webgl') {
    await import('@tensorflow/tfjs-backend-webgl');
  } else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmBaseUrl);
  }
}

/** The renderer string of the GPU a backend would use, when the platform tells us. */
async function gpuRenderer(name: BackendName): Promise<string | undefined> {
  if (name === 'webgl') {
    const canvas =
      typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
    const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return undefined;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  }
  if (name === 'webgpu') {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    const adapter = (await gpu?.requestAdapter()) as
      | { info?: { vendor?: string; architecture?: string; description?: string }; isFallbackAdapter?: boolean }
      | null
      | undefined;
    if (!adapter) return undefined;
    if (adapter.isFallbackAdapter) return 'fallback adapter (software)';
    const i = adapter.info ?? {};
    return `${i.vendor ?? ''} ${i.architecture ?? ''} ${i.description ?? ''}`.trim();
  }
  return undefined;
}

/**
 * Tries each backend in order. `firstInference` runs the real detector once on the candidate backend and must
 * resolve to finite model outputs; any throw or false moves on to the next backend.
 */
export async function selectBackend(
  order: BackendName[],
  wasmBaseUrl: string,
  allowSoftwareGpu: boolean,
  firstInference: () => Promise<boolean>,
): Promise<{ backend: BackendName | undefined; attempts: BackendAttempt[] }> {
  const attempts: BackendAttempt[] = [];
  for (const backend of order) {
    try {
      await register(backend, wasmBaseUrl);
      if (backend !== 'wasm' && !allowSoftwareGpu) {
        const renderer = await gpuRenderer(backend);
        if (renderer && SOFTWARE_GPU.test(renderer)) {
          attempts.push({ backend, ok: false, reason: `software renderer: ${renderer}` });
          continue;
        }
      }
      // setBackend resolves to false (without throwing) when, for example, WebGPU has no adapter.
      if (!(await tf.setBackend(backend))) {
        attempts.push({ backend, ok: false, reason: 'setBackend returned false' });
        continue;
      }
      await tf.ready();
      // A backend can also hang instead of failing (seen: threaded WASM in a worker); give up and move on.
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), FIRST_INFERENCE_TIMEOUT_MS));
      const verdict = await Promise.race([firstInference(), timeout]);
      if (verdict === 'timeout') {
        attempts.push({ backend, ok: false, reason: `no first inference within ${FIRST_INFERENCE_TIMEOUT_MS} ms` });
        continue;
      }
      if (!verdict) {
        attempts.push({ backend, ok: false, reason: 'first inference returned non-finite output' });
        continue;
      }
      attempts.push({ backend, ok: true });
      return { backend, attempts };
    } catch (err) {
      attempts.push({ backend, ok: false, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { backend: undefined, attempts };
}
