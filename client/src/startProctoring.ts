// The library's entry point: camera → detector (worker) → event state machine → offline queue → edge.
import {
  type AnomalyEvent,
  type BrowserSignalsPolicy,
  EXAM_CONFIG_DEFAULTS,
  type ExamConfigOverrides,
  HeartbeatResponse,
  POLICY_DEFAULTS,
  type Receipt,
  SessionStartResponse,
  type ThumbnailsPolicy,
} from '@proctor/contracts';
import { type Camera, openCamera } from './camera/camera.ts';
import type { DeriveConfig } from './derive/config.ts';
import { createEventDeriver } from './derive/eventDeriver.ts';
import { median } from './derive/headPose.ts';
import { type Detector, startDetector } from './detector/detectorClient.ts';
import type { ModelChoice } from './detector/faceEngine.ts';
import type { BackendName } from './detector/protocol.ts';
import { DEFAULT_EMBEDDING_MODEL } from './identity/embedding.ts';
import { createIdentityTracker, IDENTITY_DEFAULTS, type IdentityConfig } from './identity/identityTracker.ts';
import { createReceiptChain } from './receiptChain.ts';
import { watchBrowserSignals } from './signals/watchSignals.ts';
import type { ProctoringStatus } from './status.ts';
import { captureThumbnail } from './thumbnails/captureThumbnail.ts';
import { createThumbnailUploader } from './thumbnails/thumbnailUploader.ts';
import { backoffDelayMs } from './transport/backoff.ts';
import { createEdgeApi } from './transport/edgeApi.ts';
import { createMemoryQueue, type EventQueue, openIndexedDbQueue } from './transport/eventQueue.ts';
import { createEventSender } from './transport/eventSender.ts';
import { heartbeatDue } from './transport/heartbeat.ts';
import { sessionIdFromToken } from './transport/sessionIdentity.ts';

export const CLIENT_VERSION = '0.1.0';

export interface ProctoringOptions {
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
  /** Default 'short+full': see client/MODEL_CHOICE.md. */
  models?: ModelChoice;
  /** Default ['webgpu', 'webgl', 'wasm']. */
  backends?: BackendName[];
  /** Use a GPU backend even on a software rasterizer (default false: WASM is faster there). */
  allowSoftwareGpu?: boolean;
  /** Where the model and .wasm files are served; default `/models/` on the page's origin. */
  modelBaseUrl?: string;
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
export const browserSignalsOf = (start: SessionStartResponse): BrowserSignalsPolicy =>
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
  const status: ProctoringStatus = {
    phase: 'starting',
    camera: 'pending',
    detector: 'loading',
    calibration: 0,
    faces: 0,
    connection: 'connecting',
    queued: 0,
    delivered: 0,
  };
  const update = (patch: Partial<ProctoringStatus>) => {
    Object.assign(status, patch);
    options.onStatus?.({ ...status });
  };
  const fail = (error: string): never => {
    update({ phase: 'failed', error });
    throw new Error(error);
  };

  const firstToken = await options.getToken();
  const sessionId = (await sessionIdFromToken(firstToken)) ?? fail('the exam token is not a readable exam JWT');
  let tokenUsed = false;
  const getToken = () => {
    // The token we already read is used for the first request; later calls (refresh) go to the host.
    if (!tokenUsed) {
      tokenUsed = true;
      return firstToken;
    }
    return options.getToken();
  };
  update({ sessionId });

  let queue: EventQueue;
  try {
    queue = options.queue === 'memory' ? createMemoryQueue() : await openIndexedDbQueue();
  } catch {
    queue = createMemoryQueue();
  }
  update({ queued: await queue.count(sessionId) }); // left by an earlier page load of this session
  const api = createEdgeApi({ baseUrl: options.baseUrl, getToken });
  let lastContact = 0;
  let sessionStarted = false;
  const sender = createEventSender({
    api,
    queue,
    sessionId,
    ready: () => sessionStarted,
    onSessionLost: () => reopenSession(),
    onState: (connection, stats, failure) => {
      if (connection === 'online') lastContact = Date.now();
      update({
        connection,
        queued: stats.queued,
        delivered: stats.accepted + stats.duplicates,
        ...(failure ? { error: `${failure.code ?? failure.kind}: ${failure.message}` } : {}),
      });
    },
  });

  const timers: Array<ReturnType<typeof setInterval>> = [];
  let stopped = false;
  // Thumbnails: the policy arrives with /sessions/start; until then, and without consent, it counts as off.
  let thumbnailsPolicy: ThumbnailsPolicy | undefined;
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
  const identity = identityConfig ? createIdentityTracker(identityConfig) : undefined;
  const receipt = createReceiptChain(sessionId);
  let stopSignals: (() => AnomalyEvent[]) | undefined;
  const emit = async (events: AnomalyEvent[]) => {
    if (events.length === 0) return;
    void receipt.add(events);
    for (const e of events) options.onEvent?.(e);
    const last = events.at(-1)!;
    update({ lastEvent: { type: last.type, timestamp: last.timestamp } });
    await sender.enqueue(
      events,
      events.some((e) => URGENT.has(e.type)),
    );
    update({ queued: sender.stats.queued });
  };

  const opened = await openCamera(video, (reason) => {
    update({ camera: 'lost' });
    void emit(deriver.cameraLost(Date.now(), reason));
  });
  let camera: Camera | undefined;
  if (!opened.ok) {
    update({ camera: opened.reason === 'PERMISSION_REVOKED' ? 'denied' : 'lost' });
    await emit(deriver.cameraLost(Date.now(), opened.reason));
  } else {
    camera = opened.camera;
    update({ camera: 'on' });
  }

  let detector: Detector | undefined;
  try {
    detector = await startDetector({
      modelBaseUrl: options.modelBaseUrl ?? new URL('/models/', location.href).href,
      models: options.models ?? 'short+full',
      backends: options.backends ?? ['webgpu', 'webgl', 'wasm'],
      allowSoftwareGpu: options.allowSoftwareGpu ?? false,
      ...(identityConfig && {
        identity: {
          model: DEFAULT_EMBEDDING_MODEL,
          intervalMs: identityConfig.checkIntervalMs,
          calibrationChecks: identityConfig.calibrationChecks,
          minScore: options.derive?.multiPersonScore ?? 0.6,
        },
      }),
    });
    update({
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
    update({ detector: 'failed', backendAttempts: (err as { attempts?: [] }).attempts, error: (err as Error).message });
  }

  // Session start retries in the background: detection and queueing do not wait for the network.
  let heartbeatSeconds: number =
    options.examConfig?.heartbeatIntervalSeconds ?? EXAM_CONFIG_DEFAULTS.heartbeatIntervalSeconds;
  const startSession = async (attempt: number): Promise<void> => {
    if (stopped) return;
    const res = await api.post(
      '/sessions/start',
      {
        examConfig: options.examConfig ?? {},
        client: {
          version: CLIENT_VERSION,
          backend: detector?.info.backend,
          userAgent: navigator.userAgent.slice(0, 512),
        },
      },
      SessionStartResponse,
    );
    if (res.ok) {
      sessionStarted = true;
      heartbeatSeconds = res.value.session.examConfig.heartbeatIntervalSeconds;
      stopSignals ??= watchBrowserSignals(browserSignalsOf(res.value), (events) => void emit(events));
      thumbnailsPolicy = res.value.config?.thumbnails;
      lastContact = Date.now();
      update({ connection: 'online' });
      void sender.flush(); // including events an earlier page load of this session left queued
      return;
    }
    update({ connection: res.error.kind === 'network' ? 'offline' : 'retrying', error: res.error.message });
    if (res.error.kind === 'auth' || res.error.kind === 'fatal') {
      update({ connection: 'rejected' });
      if (res.error.code !== 'SESSION_ENDED') return;
    }
    setTimeout(() => void startSession(attempt + 1), backoffDelayMs(attempt, res.error.retryAfterMs));
  };
  void startSession(0);
  // The edge lost the session (its state expired): start again, then the sender's queue drains into it.
  const reopenSession = () => {
    if (!sessionStarted || stopped) return;
    sessionStarted = false;
    void startSession(0);
  };

  let heartbeatBusy = false;
  // Heartbeats: one per interval without contact; skipped when an event batch reached the edge within the interval
  // (the edge bumps the liveness deadline on every accepted batch, as on a heartbeat).
  timers.push(
    setInterval(async () => {
      if (!sessionStarted || heartbeatBusy || !heartbeatDue(Date.now(), lastContact, heartbeatSeconds)) return;
      heartbeatBusy = true;
      const res = await api.post('/sessions/heartbeat', { sessionId }, HeartbeatResponse);
      if (res.ok) {
        lastContact = Date.now();
        update({ connection: 'online' });
        void sender.flush();
      } else {
        update({ connection: res.error.kind === 'network' ? 'offline' : 'retrying' });
        if (res.error.code === 'SESSION_NOT_FOUND') reopenSession();
      }
      heartbeatBusy = false;
    }, 1000),
  );
  timers.push(setInterval(() => void sender.flush(), flushIntervalMs));
  const onOnline = () => void sender.flush();
  addEventListener('online', onOnline);

  // The frame loop: one frame in flight at most; a slow frame makes the loop skip, never queue.
  const recentMs: number[] = [];
  let busy = false;
  if (detector && camera) {
    const d = detector;
    timers.push(
      setInterval(async () => {
        if (busy || stopped || status.camera !== 'on') return;
        busy = true;
        try {
          const result = await d.analyse(video, Date.now());
          if (!result || stopped) return;
          recentMs.push(result.inferenceMs);
          if (recentMs.length > 20) recentMs.shift();
          const events = deriver.observe(result);
          const check = result.identity;
          if (identity && check) {
            const checking = 'similarity' in check;
            if (checking) events.push(...identity.observe(result.t, check.similarity));
            const checks = (status.identity?.checks ?? 0) + (checking ? 1 : 0);
            update({ identity: { state: checking ? 'checking' : 'calibrating', checks } });
          }
          update({
            faces: result.faces.filter((f) => f.score >= (options.derive?.presenceScore ?? 0.5)).length,
            inferenceMs: Math.round(median(recentMs)),
            calibration: deriver.calibration,
            phase: deriver.calibration >= 1 ? 'running' : 'calibrating',
          });
          await emit(events);
        } finally {
          busy = false;
        }
      }, 1000 / fps),
    );
  }

  return {
    get status() {
      return { ...status };
    },
    sessionId,
    async stop(reason = 'submitted') {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearInterval(t);
      removeEventListener('online', onOnline);
      await emit([...deriver.close(Date.now()), ...(stopSignals?.() ?? [])]);
      await sender.flush();
      await api.post(
        '/sessions/end',
        { sessionId, reason },
        { safeParse: (v: unknown) => ({ success: true as const, data: v }) },
        { keepalive: true },
      );
      detector?.dispose();
      camera?.stop();
      update({ phase: 'stopped' });
    },
    receipt: () => receipt.receipt(),
  };
}
