// Opens (or resumes) the session before the camera starts, so a consent screen can say what this session's policy
// turns on (tiny alert thumbnails) in the words the candidate agrees to. startProctoring then resumes it.
import { type ExamConfigOverrides, type ResolvedSessionConfig, SessionStartResponse } from '@proctor/contracts';
import { createEdgeApi } from './edgeApi.ts';
import { sessionIdFromToken } from './sessionIdentity.ts';

export interface ReadSessionConfigOptions {
  baseUrl: string;
  getToken: () => string | Promise<string>;
  /** Must equal startProctoring's examConfig: a resumed session keeps the config it was started with. */
  examConfig?: ExamConfigOverrides;
}

/** The session's resolved config, or undefined when the edge could not be reached (treat every opt-in as off). */
export async function readSessionConfig(o: ReadSessionConfigOptions): Promise<ResolvedSessionConfig | undefined> {
  const api = createEdgeApi({ baseUrl: o.baseUrl, getToken: o.getToken });
  const res = await api.post('/sessions/start', { examConfig: o.examConfig ?? {} }, SessionStartResponse);
  return res.ok ? res.value.config : undefined;
}

/** Ends a session opened by readSessionConfig when the candidate declines: it is abandoned, not lost. */
export async function abandonSession(o: Omit<ReadSessionConfigOptions, 'examConfig'>): Promise<void> {
  const sessionId = await sessionIdFromToken(await o.getToken());
  if (!sessionId) return;
  const api = createEdgeApi({ baseUrl: o.baseUrl, getToken: o.getToken });
  await api.post(
    '/sessions/end',
    { sessionId, reason: 'abandoned' },
    { safeParse: (v: unknown) => ({ success: true as const, data: v }) },
  );
}
