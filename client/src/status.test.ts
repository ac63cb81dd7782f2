// The status store tells the host of changes only: a frame that patches in what the status already says is silent.
import { describe, expect, it } from 'vitest';
import { createStatusStore, type ProctoringStatus } from './status.ts';

describe('createStatusStore', () => {
  it('calls onStatus when a value changes, not when a patch repeats what it says', () => {
    const seen: ProctoringStatus[] = [];
    const store = createStatusStore((s) => seen.push(s));
    store.update({ faces: 1, light: 'ok', identity: { state: 'checking', checks: 2 } });
    store.update({ faces: 1, light: 'ok', identity: { state: 'checking', checks: 2 } });
    store.update({ faces: 1 });
    expect(seen).toHaveLength(1);
    store.update({ faces: 1, identity: { state: 'checking', checks: 3 } });
    store.update({ light: 'dim' });
    expect(seen.map((s) => [s.identity?.checks, s.light])).toEqual([
      [2, 'ok'],
      [3, 'ok'],
      [3, 'dim'],
    ]);
    expect(store.current.light).toBe('dim');
  });
});
