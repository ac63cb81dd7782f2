// GET /api/alerts/:alertId/thumbnail: the alert's thumbnail, to proctors of its tenant only, each view audited.
import { Sha256Hex } from '@proctor/contracts';
import type { APIRoute } from 'astro';
import { z } from 'zod';
import { AlertParams, type RouteContracts } from '../../../../server/api/contract.ts';
import { apiError } from '../../../../server/http/respond.ts';
import { viewAlertThumbnail } from '../../../../server/queries/thumbnails.ts';

export const contracts = {
  thumbnail: {
    method: 'get',
    path: '/api/alerts/{alertId}/thumbnail',
    summary:
      "The alert's thumbnail (JPEG or WebP, at most 96 px wide), when the tenant opted in and one was taken; " +
      'every view is written to the audit log (action view_thumbnail)',
    params: AlertParams,
    response: z.string().describe('image bytes'),
    mediaType: 'image/jpeg',
  },
} as const satisfies RouteContracts;

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
