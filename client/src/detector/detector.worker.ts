// The detector's Web Worker: inference off the main thread so the exam UI never waits for a frame.
import { createDetectorCore, type DetectorCore } from './detectorCore.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
};
let core: DetectorCore | undefined;

scope.onmessage = async (e) => {
  const msg = e.data;
  if (msg.type === 'init') {
    try {
      core = await createDetectorCore(msg.options);
      scope.postMessage({ type: 'ready', info: { ...core.info, thread: 'worker' } });
    } catch (err) {
      const attempts = (err as { attempts?: [] }).attempts ?? [];
      scope.postMessage({ type: 'init-failed', message: String((err as Error).message ?? err), attempts });
    }
  } else if (msg.type === 'frame') {
    try {
      if (!core) throw new Error('detector not ready');
      scope.postMessage({ type: 'result', result: await core.analyse(msg.bitmap, msg.t, msg.due) });
    } catch (err) {
      scope.postMessage({ type: 'frame-failed', t: msg.t, message: String((err as Error).message ?? err) });
    } finally {
      msg.bitmap.close();
    }
  } else if (msg.type === 'dispose') {
    core?.dispose();
    core = undefined;
  }
};
