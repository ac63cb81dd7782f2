// Alert thumbnails for proctors: which alerts have one, and one audited view (the bytes only after the audit row).
import { EventId, type Evidence, thumbnailKey, thumbnailSessionPrefix } from '@proctor/contracts';
import type { ObjectStore, StoredObject } from '@proctor/contracts/objects';
import { type Db, jsonColumn, rows } from './sql.ts';

/** The audit action of one look at a thumbnail; its note names the event the image illustrates. */
const THUMBNAIL_VIEW_ACTION = 'view_thumbnail';
/** A thumbnail illustrates the event that began the anomaly: one of the alert's first evidence events. */
const EVIDENCE_LOOKED_AT = 10;

/** Event ids of the session that have a stored thumbnail: one LIST under the tenant's own prefix, no bytes. */
export async function thumbnailEventIds(store: ObjectStore, tenantId: string, sessionId: string): Promise<string[]> {
  const prefix = thumbnailSessionPrefix(tenantId, sessionId);
  return (await store.list(prefix))
    .map((o) => o.key.slice(prefix.length))
    .filter((id) => EventId.safeParse(id).success);
}

export type ThumbnailView =
  | { ok: true; object: StoredObject; sessionId: string; eventId: string; auditId: number }
  | { ok: false; code: 'NOT_FOUND' };

/**
 * The thumbnail of an alert of `tenantId`, read from that tenant's prefix only: another tenant's alert id finds no
 * alert row, and an alert without a thumbnail finds no object; both are the same NOT_FOUND.
 * The view is written to the audit log before the bytes are handed out, so no view goes unrecorded.
 */
export async function viewAlertThumbnail(
  db: Db,
  store: ObjectStore,
  input: { tenantId: string; alertId: string; actor: string },
): Promise<ThumbnailView> {
  const [alert] = await rows<{ session_id: string; evidence: unknown }>(
    db,
    'SELECT session_id, evidence FROM alerts WHERE alert_id = ? AND tenant_id = ?',
    [input.alertId, input.tenantId],
  );
  if (!alert) return { ok: false, code: 'NOT_FOUND' };
  const evidence = jsonColumn<Evidence[]>(alert.evidence).slice(0, EVIDENCE_LOOKED_AT);
  for (const { eventId } of evidence) {
    const object = await store.get(thumbnailKey(input.tenantId, alert.session_id, eventId));
    if (!object) continue;
    const [inserted] = await db.query(
      'INSERT INTO audit_log (tenant_id, session_id, alert_id, actor, action, note) VALUES (?, ?, ?, ?, ?, ?)',
      [input.tenantId, alert.session_id, input.alertId, input.actor, THUMBNAIL_VIEW_ACTION, `event ${eventId}`],
    );
    const auditId = (inserted as { insertId: number }).insertId;
    return { ok: true, object, sessionId: alert.session_id, eventId, auditId };
  }
  return { ok: false, code: 'NOT_FOUND' };
}
