// Thumbnail lifecycle in object storage: expiry by the tenant's retention and erasure of a session or a tenant.
import { thumbnailSessionPrefix, thumbnailTenantPrefix } from '../thumbnails.ts';
import type { ObjectStore } from './objectStore.ts';

const DAY_MS = 86_400_000;

async function deleteAll(store: ObjectStore, keys: string[]): Promise<number> {
  // Sequential in small groups: a retention run must not flood the store, and each delete is idempotent.
  for (let i = 0; i < keys.length; i += 8) await Promise.all(keys.slice(i, i + 8).map((k) => store.delete(k)));
  return keys.length;
}

/**
 * Deletes the tenant's thumbnails stored more than `retentionDays` before `now`. The retention job calls it per
 * tenant with that tenant's policy; S3 lifecycle rules cannot vary by tenant prefix on every backend we run.
 */
export async function expireThumbnails(
  store: ObjectStore,
  tenantId: string,
  retentionDays: number,
  now: number,
): Promise<number> {
  const cutoff = now - retentionDays * DAY_MS;
  const old = (await store.list(thumbnailTenantPrefix(tenantId))).filter((o) => o.lastModified < cutoff);
  return deleteAll(
    store,
    old.map((o) => o.key),
  );
}

/** Erasure of one session (a candidate's attempt): every thumbnail of it, whatever its age. */
export async function eraseSessionThumbnails(store: ObjectStore, tenantId: string, sessionId: string): Promise<number> {
  const objects = await store.list(thumbnailSessionPrefix(tenantId, sessionId));
  return deleteAll(
    store,
    objects.map((o) => o.key),
  );
}

/** Erasure of a whole tenant (offboarding). */
export async function eraseTenantThumbnails(store: ObjectStore, tenantId: string): Promise<number> {
  const objects = await store.list(thumbnailTenantPrefix(tenantId));
  return deleteAll(
    store,
    objects.map((o) => o.key),
  );
}
