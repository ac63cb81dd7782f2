// The one sleep of the codebase: services, tools, tests and benchmarks all wait through it.

/**
 * Who is sleeping on each signal. A signal carries one 'abort' listener however many sleep on it: an EventTarget
 * checks every add and remove against the listeners it holds, so one listener per sleeper made thousands of loops
 * sleeping on one stop signal (the cohort's candidates) cost O(n²) (a fifth of the generator's CPU at 4,000).
 */
const sleepers = new WeakMap<AbortSignal, Set<() => void>>();

function wakeAll(event: Event): void {
  const signal = event.target as AbortSignal;
  const waiting = sleepers.get(signal);
  sleepers.delete(signal);
  for (const wake of waiting ?? []) wake();
}

/** Resolves after `ms`, or at once when `signal` aborts: a stopping caller never waits out a backoff. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    let waiting: Set<() => void> | undefined;
    if (signal) {
      waiting = sleepers.get(signal);
      if (!waiting) {
        waiting = new Set();
        sleepers.set(signal, waiting);
        signal.addEventListener('abort', wakeAll, { once: true });
      }
      waiting.add(done);
    }
    function done() {
      clearTimeout(timer);
      waiting?.delete(done);
      resolve();
    }
  });
}
