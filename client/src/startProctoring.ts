// The library's entry point: camera → detector (worker) → event state machine → offline queue → edge. It wires the
// parts together; the session's link to the edge, the frame loop and the status each live in their own file.
import {
  type AnomalyEvent,
  type BrowserSignalsPolicy,
  type ExamConfigOverrides,
  POLICY_DEFAULTS,
  type Receipt,
  type SessionStartResponse,
  type ThumbnailsPolicy,
} from '@proctor/contracts';
import { type Camera, openCamera } from './camera/camera.ts';
import { DERIVE_DEFAULTS, type DeriveConfig } from './derive/config.ts';
import { createEventDeriver } from './derive/eventDeriver.ts';
import { type Detector, startDetector } from './detector/detectorClient.ts';
import { FULL_RANGE_EVERY, fullRangeSchedule } from './detector/fullRangeSchedule.ts';
import { createScenePace } from './detector/scenePace.ts';
import { type DetectorChoice, detectorDefaults } from './detectorChoice.ts';
import { startFrameLoop } from './frameLoop.ts';
import { DEFAULT_EMBEDDING_MODEL } from './identity/embedding.ts';
import { createIdentityTracker, IDENTITY_DEFAULTS, type IdentityConfig } from './identity/identityTracker.ts';
import { createReceiptChain } from './receiptChain.ts';
import { createSessionLink } from './sessionLink.ts';
import { watchBrowserSignals } from './signals/watchSignals.ts';
import { createStatusStore, type ProctoringStatus } from './status.ts';
import { captureThumbnail } from './thumbnails/captureThumbnail.ts';
import { createThumbnailUploader } from './thumbnails/thumbnailUploader.ts';
import { createEdgeApi } from './transport/edgeApi.ts';
import { createMemoryQueue, type EventQueue, openIndexedDbQueue } from './transport/eventQueue.ts';
import { sessionIdFromToken } from './transport/sessionIdentity.ts';

export interface ProctoringOptions extends DetectorChoice {
  /** The edge API origin, e.g. https://edge.example.com. */
  baseUrl: string;
  /** The candidate's exam JWT; called again when the edge answers TOKEN_EXPIRED. */
  getToken: () => string | Promise<string>;
  /** Threshold overrides sent with /sessions/start; the edge resolves the effective config. */
  examConfig?: ExamConfigOverrides;
  onStatus?: (status: ProctoringStatus) => void;
  /** Every derived event, as it is queued (for the host's own UI). */
  onEvent?: (event: AnomalyEvent) => void;
  /** Element for the camera preview; a detached one is used when absent. */
  video?: HTMLVideoElement;
  /** Frames analysed per second: 0.2–10, default 2. */
  fps?: number;
  /** For 'short+full': the full-range model runs on every n-th frame (1: every frame); default FULL_RANGE_EVERY. */
  fullRangeEvery?: number;
  /**
   * A steady scene (one still candidate in good light) is analysed less often, and full-range run more rarely, until
   * anything changes (detector/scenePace.ts); a steady scene also checks identity less often. Default true; false keeps `fps` and the schedule on every frame; 'rate-only' paces the rate
   * and full-range's cadence but not the rest (the CPU bench's comparison).
   */
  adaptiveRate?: boolean | 'rate-only';
  /** Low-severity events are batched for this long; default 5000 ms. */
  flushIntervalMs?: number;
  derive?: Partial<DeriveConfig>;
  /** 'indexeddb' (default) survives reloads; 'memory' does not. */
  queue?: 'indexeddb' | 'memory';
  /** Identity continuity (on by default; the embedding never leaves the detector). `false` turns it off. */
  identity?: false | Partial<IdentityConfig>;
  /**
   * True only when the host's consent screen told the candidate, before the camera started, that tiny alert
   * thumbnails may be taken (see readSessionConfig). Both this and the session's resolved policy must say yes;
   * otherwise no still is ever captured. Default false.
   */
  thumbnailConsent?: boolean;
}

export interface ProctoringHandle {
  readonly status: ProctoringStatus;
  readonly sessionId: string;
  /** Ends the session: closes open anomalies, flushes the queue, tells the edge, releases the camera. */
  stop(reason?: 'submitted' | 'timeout' | 'abandoned'): Promise<void>;
  /** The candidate's receipt: every event queued for the edge and the hash chain over them. */
  receipt(): Promise<Receipt>;
}

/**
 * Browser signals are opt-in per tenant: the session's resolved config (sessions/start response `config`) says
 * whether they run. An edge that answers no config means the default, off. This is the one place that reads it.
 */
const browserSignalsOf = (start: SessionStartResponse): BrowserSignalsPolicy =>
  start.config?.browserSignals ?? POLICY_DEFAULTS.browserSignals;

/** High severity: sent at once rather than on the next flush tick. */
const URGENT: ReadonlySet<AnomalyEvent['type']> = new Set([
  'MULTI_PERSON',
  'CAMERA_LOST',
  'CAMERA_BLOCKED',
  'IDENTITY_CHANGED',
]);

function validate(o: ProctoringOptions): Required<Pick<ProctoringOptions, 'fps' | 'flushIntervalMs'>> {
  if (typeof o.getToken !== 'function')
    throw new TypeError('startProctoring: getToken must be a function returning the exam JWT');
  if (!/^https?:\/\//.test(o.baseUrl ?? ''))
    throw new TypeError(`startProctoring: baseUrl must be an http(s) URL, got "${o.baseUrl}"`);
  const fps = o.fps ?? 2;
  if (!(fps >= 0.2 && fps <= 10)) throw new RangeError(`startProctoring: fps must be between 0.2 and 10, got ${fps}`);
  const flushIntervalMs = o.flushIntervalMs ?? 5000;
  if (!(flushIntervalMs >= 500)) throw new RangeError('startProctoring: flushIntervalMs must be at least 500');
  return { fps, flushIntervalMs };
}

export async function startProctoring(options: ProctoringOptions): Promise<ProctoringHandle> {
  const { fps, flushIntervalMs } = validate(options);
  const status = createStatusStore(options.onStatus);

  const firstToken = await options.getToken();
  const sessionId = (await sessionIdFromToken(firstToken)) ?? status.fail('the exam token is not a readable exam JWT');
  let tokenUsed = false;
  const getToken = () => {
    // The token we already read is used for the first request; later calls (refresh) go to the host.
    if (!tokenUsed) {
      tokenUsed = true;
      return firstToken;
    }
    return options.getToken();
  };
  status.update({ sessionId });

  let queue: EventQueue;
  try {
    queue = options.queue === 'memory' ? createMemoryQueue() : await openIndexedDbQueue();
  } catch {
    queue = createMemoryQueue();
  }
  status.update({ queued: await queue.count(sessionId) }); // left by an earlier page load of this session
  const api = createEdgeApi({ baseUrl: options.baseUrl, getToken });

  // Thumbnails: the policy arrives with /sessions/start; until then, and without consent, it counts as off.
  let thumbnailsPolicy: ThumbnailsPolicy | undefined;
  let stopSignals: (() => AnomalyEvent[]) | undefined;
  let detector: Detector | undefined;
  const link = createSessionLink({
    api,
    queue,
    sessionId,
    examConfig: options.examConfig,
    flushIntervalMs,
    status,
    backend: () => detector?.info.backend,
    onStarted: (start) => {
      stopSignals ??= watchBrowserSignals(browserSignalsOf(start), (events) => void emit(events));
      thumbnailsPolicy = start.config?.thumbnails;
    },
  });

  const video = options.video ?? document.createElement('video');
  const thumbnails = createThumbnailUploader({
    api,
    sessionId,
    policy: () => (options.thumbnailConsent === true ? thumbnailsPolicy : undefined),
    capture: () => captureThumbnail(video),
  });
  const deriver = createEventDeriver(options.derive, undefined, undefined, {
    onAnomalyBegin: (begin) => void thumbnails.onAnomalyBegin(begin),
  });
  const identityConfig = options.identity === false ? undefined : { ...IDENTITY_DEFAULTS, ...options.identity };
  const receipt = createReceiptChain(sessionId);
  const emit = async (events: AnomalyEvent[]) => {
    if (events.length === 0) return;
    void receipt.add(events);
    for (const e of events) options.onEvent?.(e);
    const last = events.at(-1)!;
    status.update({ lastEvent: { type: last.type, timestamp: last.timestamp } });
    await link.enqueue(
      events,
      events.some((e) => URGENT.has(e.type)),
    );
    status.update({ queued: link.stats.queued });
  };

  const opened = await openCamera(video, (reason) => {
    status.update({ camera: 'lost' });
    void emit(deriver.cameraLost(Date.now(), reason));
  });
  let camera: Camera | undefined;
  if (!opened.ok) {
    status.update({ camera: opened.reason === 'PERMISSION_REVOKED' ? 'denied' : 'lost' });
    await emit(deriver.cameraLost(Date.now(), opened.reason));
  } else {
    camera = opened.camera;
    status.update({ camera: 'on' });
  }

  try {
    detector = await startDetector({
      ...detectorDefaults(options),
      fullRange: fullRangeSchedule(options.fullRangeEvery ?? FULL_RANGE_EVERY, fps),
      ...(identityConfig && {
        identity: {
          model: DEFAULT_EMBEDDING_MODEL,
          intervalMs: identityConfig.checkIntervalMs,
          calibrationChecks: identityConfig.calibrationChecks,
          minScore: options.derive?.multiPersonScore ?? 0.6,
          matchThreshold: identityConfig.threshold,
        },
      }),
    });
    status.update({
      detector: 'ready',
      backend: detector.info.backend,
      backendAttempts: detector.info.attempts,
      inferenceThread: detector.info.thread,
      phase: 'calibrating',
      identity:
        detector.info.identity === 'on'
          ? { state: 'calibrating', checks: 0 }
          : { state: 'off', checks: 0, reason: detector.info.identity?.off ?? 'turned off by the host' },
    });
  } catch (err) {
    status.update({
      detector: 'failed',
      backendAttempts: (err as { attempts?: [] }).attempts,
      error: (err as Error).message,
    });
  }

  // Session start retries in the background: detection and queueing do not wait for the network.
  link.open();
  const stopFrames =
    detector && camera
      ? startFrameLoop({
          detector,
          video,
          fps,
          pace:
            options.adaptiveRate === false
              ? undefined
              : createScenePace({ ...DERIVE_DEFAULTS, ...options.derive }, fps, options.adaptiveRate !== 'rate-only'),
          deriver,
          identity: identityConfig && createIdentityTracker(identityConfig),
          presenceScore: options.derive?.presenceScore ?? DERIVE_DEFAULTS.presenceScore,
          lowLightMeanLuma: options.derive?.lowLightMeanLuma ?? DERIVE_DEFAULTS.lowLightMeanLuma,
          status,
          emit,
        })
      : undefined;

  let stopped = false;
  return {
    get status() {
      return status.current;
    },
    sessionId,
    async stop(reason = 'submitted') {
      if (stopped) return;
      stopped = true;
      stopFrames?.();
      link.close();
      await emit([...deriver.close(Date.now()), ...(stopSignals?.() ?? [])]);
      await link.end(reason);
      detector?.dispose();
      camera?.stop();
      status.update({ phase: 'stopped' });
    },
    receipt: () => receipt.receipt(),
  };
}
