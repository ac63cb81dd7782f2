// GET /api/alerts/:alertId/thumbnail: the alert's thumbnail, to proctors of its tenant only, each view audited.
import { Sha256Hex } from '@proctor/contracts';
import type { APIRoute } from 'astro';
import { apiError } from '../../../../server/http/respond.ts';
import { viewAlertThumbnail } from '../../../../server/queries/thumbnails.ts';

export const GET: APIRoute = async ({ locals, params }) => {
  const { principal, services, requestId } = locals;
  const alertId = params.alertId ?? '';
  const notFound = () => apiError('NOT_FOUND', 'no thumbnail for this alert in your tenant', requestId);
  if (!Sha256Hex.safeParse(alertId).success || !services.objects) return notFound();
  const view = await viewAlertThumbnail(services.db, services.objects, {
    tenantId: principal.tenantId,
    alertId,
    actor: principal.sub,
  });
  if (!view.ok) return notFound();
  return new Response(view.object.bytes, {
    headers: {
      'content-type': view.object.contentType,
      // A candidate's face: never cached by a browser or proxy, so every look comes back here and is audited (the
      // middleware sets the same no-store on every authenticated answer).
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'",
      'x-thumbnail-event-id': view.eventId,
    },
  });
};
