// The candidate exam page's browser script: consent, setup check, camera preview, calibration and status, then the
// library.
import {
  abandonSession,
  PREFLIGHT_MESSAGES,
  type ProctoringHandle,
  type ProctoringStatus,
  readSessionConfig,
  startProctoring,
} from '@proctor/client';
import { type HostMessage, type Launch, parseFragment, parseHostMessage, refuseForeignEdge } from './launch.ts';
import { runPreflight } from './preflightStep.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const show = (id: string) => {
  for (const step of document.querySelectorAll<HTMLElement>('[data-step]')) step.hidden = step.id !== id;
};

/** The server's EDGE_ORIGINS and PLATFORM_ORIGINS (exam.astro): the only edges and hosts this page trusts. */
const trusted = {
  edge: ($('exam').dataset.edgeOrigins ?? '').split(' ').filter(Boolean),
  platform: ($('exam').dataset.platformOrigins ?? '').split(' ').filter(Boolean),
};

let launch: Launch | undefined;
let handle: ProctoringHandle | undefined;
let pendingToken: ((token: string) => void) | undefined;
/** True only once the candidate has agreed to thumbnails on the screen that described them. */
let thumbnailsAgreed = false;

/** Status messages go only to the host that launched us, never to '*'. */
function toHost(message: unknown) {
  if (!launch?.hostOrigin) return;
  (window.parent !== window ? window.parent : window.opener)?.postMessage(message, launch.hostOrigin);
}

function getToken(): Promise<string> | string {
  if (!launch) throw new Error('not launched');
  if (!launch.hostOrigin) return launch.token; // fragment launch: no way to refresh; the edge will say so
  return new Promise((resolve) => {
    pendingToken = resolve;
    toHost({ type: 'proctor:token-request' });
    setTimeout(() => resolve(launch!.token), 10_000);
  });
}

function renderStatus(s: ProctoringStatus) {
  const set = (id: string, text: string, state?: string) => {
    const el = $(id);
    el.textContent = text;
    if (state) el.dataset.state = state;
  };
  set(
    'st-camera',
    s.camera === 'on' ? 'on' : s.camera,
    s.camera === 'on' ? 'ok' : s.camera === 'pending' ? 'wait' : 'bad',
  );
  set(
    'st-detector',
    s.detector === 'ready'
      ? `ready (${s.inferenceThread === 'worker' ? 'background worker' : 'main thread'})`
      : s.detector,
    s.detector === 'ready' ? 'ok' : s.detector === 'loading' ? 'wait' : 'bad',
  );
  set(
    'st-backend',
    s.backend ? `${s.backend}${s.inferenceMs !== undefined ? ` · ${s.inferenceMs} ms/frame` : ''}` : '—',
  );
  set('st-connection', s.connection, s.connection === 'online' ? 'ok' : s.connection === 'connecting' ? 'wait' : 'bad');
  set('st-queue', `${s.queued} waiting · ${s.delivered} delivered`);
  set('st-faces', String(s.faces));
  set(
    'st-light',
    s.light === 'dim' ? PREFLIGHT_MESSAGES['too-dark'] : s.light === 'ok' ? 'ok' : '—',
    s.light === 'dim' ? 'bad' : s.light === 'ok' ? 'ok' : 'wait',
  );
  const pct = Math.round(s.calibration * 100);
  $('calibration-bar').style.width = `${pct}%`;
  $('calibration-text').textContent =
    s.calibration >= 1 ? 'Calibrated. You can start your exam.' : `Look at the screen normally… ${pct}%`;
  document.body.dataset.phase = s.phase;
  document.body.dataset.backend = s.backend ?? '';
  document.body.dataset.connection = s.connection;
  document.body.dataset.queued = String(s.queued);
  document.body.dataset.delivered = String(s.delivered);
  if (s.error) $('st-error').textContent = s.error;
  toHost({ type: 'proctor:status', status: s });
}

function logEvent(e: { type: string; timestamp: number; eventId: string } & Record<string, unknown>) {
  const li = document.createElement('li');
  li.dataset.type = e.type;
  li.dataset.eventId = e.eventId;
  li.textContent = `${new Date(e.timestamp).toLocaleTimeString()} ${e.type} ${JSON.stringify(e.details)}`;
  $('events').prepend(li);
  toHost({ type: 'proctor:event', event: e });
}

/**
 * Consent given: only now does the page contact the edge (the session opens there). A policy with thumbnails on
 * asks a second, specific consent before the camera starts; then the setup check, then the exam.
 */
async function consented() {
  if (!launch) return;
  show('step-checking');
  if (await thumbnailsAsked(launch)) {
    show('step-thumbnails');
    return;
  }
  await preflightThenBegin();
}

async function preflightThenBegin() {
  show('step-preflight');
  await runPreflight();
  await begin();
}

async function begin() {
  if (!launch) return;
  show('step-exam');
  try {
    handle = await startProctoring({
      baseUrl: launch.edge,
      getToken,
      fps: launch.fps,
      ...(launch.identity === false && { identity: false as const }),
      ...(launch.models && { models: launch.models }),
      ...(launch.fullEvery && { fullRangeEvery: launch.fullEvery }),
      ...(launch.adaptive !== undefined && { adaptiveRate: launch.adaptive }),
      video: $('preview') as HTMLVideoElement,
      onStatus: renderStatus,
      onEvent: (e) => logEvent(e as never),
      thumbnailConsent: thumbnailsAgreed,
    });
  } catch (err) {
    $('st-error').textContent = (err as Error).message;
  }
}

const TYPE_WORDS: Record<string, string> = {
  MULTI_PERSON: 'more than one person',
  NO_FACE: 'no face visible',
  CAMERA_BLOCKED: 'the camera covered',
};

/** The session's own policy, read after consent and before the camera is on: true when it turns thumbnails on. */
async function thumbnailsAsked(l: Launch): Promise<boolean> {
  const config = await readSessionConfig({ baseUrl: l.edge, getToken }).catch(() => undefined);
  const t = config?.thumbnails;
  const asked = Boolean(t?.enabled && t.maxPerHour > 0 && t.types.length > 0);
  if (t && asked) {
    $('consent-thumbnail-types').textContent = t.types.map((x) => TYPE_WORDS[x] ?? x).join(', ');
    $('consent-thumbnail-max').textContent = String(t.maxPerHour);
  }
  document.body.dataset.thumbnails = asked ? 'on' : 'off';
  return asked;
}

function refuseLaunch(message: string) {
  $('launch-error').textContent = message;
  show('step-waiting');
}

function launched(l: Launch) {
  const foreign = refuseForeignEdge(l.edge, trusted.edge);
  if (foreign) return refuseLaunch(foreign);
  launch = l;
  $('edge-origin').textContent = new URL(l.edge).origin;
  show('step-consent');
}

function onHostMessage(e: MessageEvent) {
  const fromHost = e.source === window.parent || e.source === window.opener;
  if (!fromHost || e.source === window) return;
  const msg: HostMessage | undefined = parseHostMessage(e.data);
  if (!msg) return;
  // An opener is any page that called window.open: frame-ancestors does not cover it, so the sender's origin must.
  if (msg.type === 'proctor:launch' && !launch && !trusted.platform.includes(e.origin)) {
    refuseLaunch(
      `This exam page was opened by ${e.origin}, which is not an exam platform this site works with, so proctoring ` +
        'was not started. Open the exam from your exam platform.',
    );
  } else if (msg.type === 'proctor:launch' && !launch) launched({ ...msg, hostOrigin: e.origin });
  else if (msg.type === 'proctor:token' && e.origin === launch?.hostOrigin) {
    launch.token = msg.token;
    pendingToken?.(msg.token);
    pendingToken = undefined;
  } else if (msg.type === 'proctor:stop' && e.origin === launch?.hostOrigin) void handle?.stop(msg.reason);
}

const fromFragment = parseFragment(location.hash, trusted.edge);
// The token must not linger in the address bar, history or a screenshot.
if (location.hash) history.replaceState(null, '', location.pathname + location.search);
if (fromFragment && 'error' in fromFragment) refuseLaunch(fromFragment.error);
else if (fromFragment) launched(fromFragment);
else {
  const host = window.parent !== window ? window.parent : window.opener;
  for (const origin of trusted.platform) host?.postMessage({ type: 'proctor:ready' }, origin);
  show('step-waiting');
}
addEventListener('message', onHostMessage);

$('consent-accept').addEventListener('click', () => void consented());
$('consent-decline').addEventListener('click', () => {
  show('step-declined');
  toHost({ type: 'proctor:declined' });
});
$('thumbnails-accept').addEventListener('click', () => {
  thumbnailsAgreed = true;
  void preflightThenBegin();
});
// The session is open by now (its policy was read): it ends as abandoned, not lost.
$('thumbnails-decline').addEventListener('click', () => {
  show('step-declined');
  toHost({ type: 'proctor:declined' });
  if (launch) void abandonSession({ baseUrl: launch.edge, getToken }).catch(() => {});
});
/** After the end: the candidate's receipt as a file they keep (built in memory, nothing fetched). */
async function offerReceipt() {
  if (!handle) return;
  const link = $('receipt-download') as HTMLAnchorElement;
  const receipt = await handle.receipt();
  link.href = URL.createObjectURL(new Blob([JSON.stringify(receipt, null, 2)], { type: 'application/json' }));
  link.hidden = false;
}
$('end-exam').addEventListener('click', async () => {
  await handle?.stop('submitted');
  show('step-ended');
  await offerReceipt();
});
