// Event ids in the evidence table: UUIDs shortened as before, free-form ids from integrators shown as sent.
import { describe, expect, it } from 'vitest';
import { shortEventId } from './format.ts';

describe('shortEventId', () => {
  it.each([
    ['0f8e2c4a-6b1d-4e3f-9a7c-5d2b8e1f0a36', '0f8e2c4a'],
    ['0F8E2C4A-6B1D-4E3F-9A7C-5D2B8E1F0A36', '0F8E2C4A'],
    ['evt-2', 'evt-2'],
    ['order-42:evt-17', 'order-42:evt-17'],
    ['x'.repeat(16), 'x'.repeat(16)],
    ['y'.repeat(128), `${'y'.repeat(15)}…`],
  ])('%s → %s', (id, shown) => {
    expect(shortEventId(id)).toBe(shown);
  });
});
