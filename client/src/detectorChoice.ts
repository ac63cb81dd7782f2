// The detector choices a page may make, shared by startProctoring and startPreflight (so that the preflight
// measures what the exam will see), and the defaults filled in before the detector starts.
import type { ModelChoice } from './detector/faceEngine.ts';
import type { BackendName } from './detector/protocol.ts';

export interface DetectorChoice {
  /** Default 'short+full': see client/MODEL_CHOICE.md. */
  models?: ModelChoice;
  /** Default ['webgpu', 'webgl', 'wasm']. */
  backends?: BackendName[];
  /** Use a GPU backend even on a software rasterizer (default false: WASM is faster there). */
  allowSoftwareGpu?: boolean;
  /** Where the model and .wasm files are served; default `/models/` on the page's origin. */
  modelBaseUrl?: string;
}

/** The choice with its defaults, as startDetector takes it. */
export function detectorDefaults(choice: DetectorChoice) {
  return {
    modelBaseUrl: choice.modelBaseUrl ?? new URL('/models/', location.href).href,
    models: choice.models ?? 'short+full',
    backends: choice.backends ?? ['webgpu', 'webgl', 'wasm'],
    allowSoftwareGpu: choice.allowSoftwareGpu ?? false,
  } satisfies Required<DetectorChoice>;
}
