// The candidates' fetch, watched: every edge answer by path and status, whether each 5xx said when to come back
// (Retry-After), and per session when its last event batch failed and last succeeded.

export interface EdgeProbe {
  fetch: typeof fetch;
  /** "path status" → answers. */
  answers: Map<string, number>;
  /** 5xx answers without a Retry-After header: the client could only guess when to retry. */
  fiveHundredsWithoutRetryAfter: number;
  /** 5xx answers other than 503 (a 500 is a bug, never an outage). */
  fiveHundredsNot503: number;
  /** Sessions whose last /events/batch answer was a failure (their queue still holds events). */
  sessionsFailing(): number;
  /** Time of the first 2xx on /events/batch at or after `t`, if any. */
  firstBatchOkSince(t: number): number | undefined;
}

const pathOf = (input: Parameters<typeof fetch>[0]) =>
  new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).pathname;

export function createEdgeProbe(): EdgeProbe {
  const answers = new Map<string, number>();
  const lastBatchOk = new Map<string, boolean>();
  const batchOkTimes: number[] = [];
  const probe: EdgeProbe = {
    answers,
    fiveHundredsWithoutRetryAfter: 0,
    fiveHundredsNot503: 0,
    async fetch(input, init) {
      const res = await globalThis.fetch(input, init);
      const path = pathOf(input);
      const key = `${path} ${res.status}`;
      answers.set(key, (answers.get(key) ?? 0) + 1);
      if (res.status >= 500) {
        if (!res.headers.get('retry-after')) probe.fiveHundredsWithoutRetryAfter++;
        if (res.status !== 503) probe.fiveHundredsNot503++;
      }
      if (path === '/events/batch' && typeof init?.body === 'string') {
        const sessionId = (JSON.parse(init.body) as { sessionId?: string }).sessionId ?? '';
        lastBatchOk.set(sessionId, res.ok);
        if (res.ok) batchOkTimes.push(Date.now());
      }
      return res;
    },
    sessionsFailing: () => [...lastBatchOk.values()].filter((ok) => !ok).length,
    firstBatchOkSince: (t) => batchOkTimes.find((x) => x >= t),
  };
  return probe;
}
