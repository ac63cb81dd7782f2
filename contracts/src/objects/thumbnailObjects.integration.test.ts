// Thumbnail expiry and erasure against the stack's S3Proxy: by the tenant's retention, per session, per tenant, and
// never across tenants.
import { randomUUID } from 'node:crypto';
import { stackConfig } from '@proctor/infra/stack/config';
import { stackObjectStore } from '@proctor/infra/stack/health';
import { describe, expect, it } from 'vitest';
import { thumbnailKey, thumbnailTenantPrefix } from '../thumbnails.ts';
import { eraseSessionThumbnails, eraseTenantThumbnails, expireThumbnails } from './thumbnailObjects.ts';

const store = stackObjectStore(stackConfig());
const DAY = 86_400_000;
const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);

async function seed(tenantId: string, sessionId: string, n: number): Promise<string[]> {
  const keys = Array.from({ length: n }, () => thumbnailKey(tenantId, sessionId, randomUUID()));
  for (const k of keys) await store.put(k, bytes, 'image/jpeg');
  return keys;
}
const count = async (tenantId: string) => (await store.list(thumbnailTenantPrefix(tenantId))).length;

describe('thumbnail lifecycle in object storage', () => {
  it("expires a tenant's thumbnails older than its retention and nothing younger or elsewhere", async () => {
    const [a, b] = [`t-${randomUUID().slice(0, 8)}`, `t-${randomUUID().slice(0, 8)}`];
    await seed(a, 's1', 3);
    await seed(b, 's1', 2);
    // Just stored: 29 days later they are within a 30-day retention, 31 days later they are past it.
    expect(await expireThumbnails(store, a, 30, Date.now() + 29 * DAY)).toBe(0);
    expect(await count(a)).toBe(3);
    expect(await expireThumbnails(store, a, 30, Date.now() + 31 * DAY)).toBe(3);
    expect(await count(a)).toBe(0);
    // A shorter retention of another tenant is its own: b's objects are untouched by a's run.
    expect(await count(b)).toBe(2);
    expect(await expireThumbnails(store, b, 1, Date.now() + 2 * DAY)).toBe(2);
    expect(await count(b)).toBe(0);
  });

  it('erases one session, then a whole tenant, and leaves the other tenant alone', async () => {
    const [a, b] = [`t-${randomUUID().slice(0, 8)}`, `t-${randomUUID().slice(0, 8)}`];
    const [s1, s2] = ['1'.repeat(64), '2'.repeat(64)];
    await seed(a, s1, 2);
    const kept = await seed(a, s2, 1);
    await seed(b, s1, 2);
    expect(await eraseSessionThumbnails(store, a, s1)).toBe(2);
    expect((await store.list(thumbnailTenantPrefix(a))).map((o) => o.key)).toEqual(kept);
    expect(await count(b)).toBe(2);
    expect(await eraseTenantThumbnails(store, a)).toBe(1);
    expect(await count(a)).toBe(0);
    expect(await count(b)).toBe(2);
    await eraseTenantThumbnails(store, b);
  });

  it('lists past one page of results (continuation tokens)', async () => {
    const t = `t-${randomUUID().slice(0, 8)}`;
    const keys = await seed(t, 's', 3);
    // Two keys a page: list() must follow the continuation token to see all three.
    const listed = await store.list(thumbnailTenantPrefix(t), 2);
    expect(listed.map((o) => o.key).sort()).toEqual([...keys].sort());
    expect(listed.every((o) => o.size === bytes.length && o.lastModified > Date.now() - DAY)).toBe(true);
    await eraseTenantThumbnails(store, t);
  });
});
