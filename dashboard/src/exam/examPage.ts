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
import { type HostMessage, type Launch, parseFragment, parseHostMessage } from './launch.ts';
import { runPreflight } from './preflightStep.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const show = (id: string) => {
  for (const step of document.querySelectorAll<HTMLElement>('[data-step]')) step.hidden = step.id !== id;
};

let launch: Launch | undefined;
let handle: ProctoringHandle | undefined;
let pendingToken: ((token: string) => void) | undefined;
/** True only once the consent screen has told the candidate that thumbnails may be taken. */
let thumbnailsShown = false;

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

/** Consent given: the setup check first, then the exam. */
async function preflightThenBegin() {
  if (!launch) return;
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
      video: $('preview') as HTMLVideoElement,
      onStatus: renderStatus,
      onEvent: (e) => logEvent(e as never),
      thumbnailConsent: thumbnailsShown,
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

/** The consent text follows the session's own policy, read before the camera is on. */
async function prepareConsent(l: Launch) {
  const config = await readSessionConfig({ baseUrl: l.edge, getToken }).catch(() => undefined);
  const t = config?.thumbnails;
  if (t?.enabled && t.maxPerHour > 0 && t.types.length > 0) {
    thumbnailsShown = true;
    $('consent-no-images').hidden = true;
    $('consent-thumbnails').hidden = false;
    $('consent-thumbnail-item').hidden = false;
    $('consent-thumbnail-types').textContent = t.types.map((x) => TYPE_WORDS[x] ?? x).join(', ');
    $('consent-thumbnail-max').textContent = String(t.maxPerHour);
  }
  document.body.dataset.thumbnails = thumbnailsShown ? 'on' : 'off';
  $('consent-checking').hidden = true;
  ($('consent-accept') as HTMLButtonElement).disabled = false;
}

function launched(l: Launch) {
  launch = l;
  $('edge-origin').textContent = new URL(l.edge).origin;
  show('step-consent');
  void prepareConsent(l);
}

function onHostMessage(e: MessageEvent) {
  const fromHost = e.source === window.parent || e.source === window.opener;
  if (!fromHost || e.source === window) return;
  const msg: HostMessage | undefined = parseHostMessage(e.data);
  if (!msg) return;
  if (msg.type === 'proctor:launch' && !launch) launched({ ...msg, hostOrigin: e.origin });
  else if (msg.type === 'proctor:token' && e.origin === launch?.hostOrigin) {
    launch.token = msg.token;
    pendingToken?.(msg.token);
    pendingToken = undefined;
  } else if (msg.type === 'proctor:stop' && e.origin === launch?.hostOrigin) void handle?.stop(msg.reason);
}

const fromFragment = parseFragment(location.hash);
// The token must not linger in the address bar, history or a screenshot.
if (location.hash) history.replaceState(null, '', location.pathname + location.search);
if (fromFragment && 'error' in fromFragment) {
  $('launch-error').textContent = fromFragment.error;
  show('step-waiting');
} else if (fromFragment) {
  launched(fromFragment);
} else {
  (window.parent !== window ? window.parent : window.opener)?.postMessage({ type: 'proctor:ready' }, '*');
  show('step-waiting');
}
addEventListener('message', onHostMessage);

$('consent-accept').addEventListener('click', () => void preflightThenBegin());
$('consent-decline').addEventListener('click', () => {
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
