// How the exam page gets its token and edge URL: from the URL fragment, or from the host page by postMessage.

export interface Launch {
  token: string;
  edge: string;
  fps?: number;
  /** `#identity=0` turns identity continuity off (the CPU bench's baseline); default on. */
  identity?: false;
  /**
   * Bench knobs (bench/client-cpu.ts): `#models=short+full|short|full|full>short`, `#fullEvery=1|2|3` (how
   * often full-range runs under short+full) and `#adaptive=0` (every frame at `fps`, however steady the scene) or
   * `#adaptive=rate` (a steady scene paces the rate only, not the detector's lean steady frames);
   * absent, the client's defaults (client/MODEL_CHOICE.md).
   */
  models?: ModelChoiceName;
  fullEvery?: number;
  adaptive?: false | 'rate-only';
  /** postMessage launches only: the host's origin, the only one status messages are posted back to. */
  hostOrigin?: string;
}

/** Messages the host page sends to the exam page (see client/README.md, "Embedding"). */
export type HostMessage =
  | { type: 'proctor:launch'; token: string; edge: string; fps?: number }
  | { type: 'proctor:token'; token: string }
  | { type: 'proctor:stop'; reason?: 'submitted' | 'timeout' | 'abandoned' };

const MODEL_CHOICES = ['short', 'full', 'short+full', 'full>short'] as const;
type ModelChoiceName = (typeof MODEL_CHOICES)[number];
const isModelChoice = (v: string | null): v is ModelChoiceName => MODEL_CHOICES.includes(v as ModelChoiceName);

const isHttpUrl = (v: string) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v);
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Refuses an edge this site does not serve: the page would hand the candidate's exam token (and, under an opt-in,
 * camera thumbnails) to whatever server the link or the host names. Returns the message the candidate sees.
 */
export function refuseForeignEdge(edge: string, edgeOrigins: readonly string[]): string | undefined {
  if (edgeOrigins.includes(new URL(edge).origin)) return undefined;
  return (
    `This exam link names a proctoring server (${new URL(edge).origin}) that this site does not work with, so ` +
    'nothing was sent to it. Open the exam again from your exam platform; if you see this again, tell your exam ' +
    'provider.'
  );
}

/**
 * Parses `#token=…&edge=…[&fps=…]`, accepting only an edge in `edgeOrigins`. Returns an error message a person can
 * act on when something is wrong.
 */
export function parseFragment(hash: string, edgeOrigins: readonly string[]): Launch | { error: string } | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (!params.has('token') && !params.has('edge')) return undefined;
  const token = params.get('token') ?? '';
  const edge = params.get('edge') ?? '';
  if (!JWT.test(token))
    return { error: 'The link has no valid exam token (#token=…). Open the exam from your exam platform again.' };
  if (!isHttpUrl(edge))
    return {
      error: 'The link has no valid proctoring server (#edge=https://…). Open the exam from your exam platform again.',
    };
  const foreign = refuseForeignEdge(edge, edgeOrigins);
  if (foreign) return { error: foreign };
  const fps = params.has('fps') ? Number(params.get('fps')) : undefined;
  const models = params.get('models')?.replace(' ', '+') ?? null; // an unescaped '+' reads as a space
  const fullEvery = Number(params.get('fullEvery'));
  return {
    token,
    edge,
    ...(fps && fps > 0 ? { fps } : {}),
    ...(params.get('identity') === '0' && { identity: false }),
    ...(isModelChoice(models) && { models }),
    ...([1, 2, 3].includes(fullEvery) && { fullEvery }),
    ...(params.get('adaptive') === '0' && { adaptive: false }),
    ...(params.get('adaptive') === 'rate' && { adaptive: 'rate-only' as const }),
  };
}

/** Validates a message claiming to be from the host; anything else is ignored. */
export function parseHostMessage(data: unknown): HostMessage | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const m = data as Record<string, unknown>;
  if (
    m.type === 'proctor:launch' &&
    typeof m.token === 'string' &&
    JWT.test(m.token) &&
    typeof m.edge === 'string' &&
    isHttpUrl(m.edge)
  ) {
    return {
      type: 'proctor:launch',
      token: m.token,
      edge: m.edge,
      ...(typeof m.fps === 'number' ? { fps: m.fps } : {}),
    };
  }
  if (m.type === 'proctor:token' && typeof m.token === 'string' && JWT.test(m.token))
    return { type: 'proctor:token', token: m.token };
  if (m.type === 'proctor:stop') {
    const reason = m.reason === 'timeout' || m.reason === 'abandoned' ? m.reason : 'submitted';
    return { type: 'proctor:stop', reason };
  }
  return undefined;
}
