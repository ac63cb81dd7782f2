// GET /api/alerts/:alertId/thumbnail: the alert's thumbnail, to proctors of its tenant only, each view audited.
import { ApiError, Sha256Hex } from '@proctor/contracts';
import { z } from 'zod';
import { viewAlertThumbnail } from '../../../queries/thumbnails.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';
import { AlertParams } from '../../schemas.ts';

const route = apiRoute({
  method: 'get',
  path: '/api/alerts/{alertId}/thumbnail',
  operationId: 'thumbnail',
  summary:
    "The alert's thumbnail (JPEG or WebP, at most 96 px wide), when the tenant opted in and one was taken; " +
    'every view is written to the audit log (action view_thumbnail)',
  role: 'proctor',
  errors: ['NOT_FOUND'],
  request: { params: AlertParams },
  responses: {
    200: {
      description: 'The image',
      content: {
        'image/jpeg': { schema: z.string().describe('image bytes') },
        'image/webp': { schema: z.string().describe('image bytes') },
      },
    },
  },
});

export const thumbnail = dashboardRoute(route, async (c) => {
  const { principal, services } = c.var;
  const { alertId } = c.req.valid('param');
  const notFound = () => new ApiError('NOT_FOUND', 'no thumbnail for this alert in your tenant');
  if (!Sha256Hex.safeParse(alertId).success || !services.objects) throw notFound();
  const view = await viewAlertThumbnail(services.db, services.objects, {
    tenantId: principal.tenantId,
    alertId,
    actor: principal.sub,
  });
  if (!view.ok) throw notFound();
  return c.body(view.object.bytes, 200, {
    'content-type': view.object.contentType,
    // A candidate's face: never cached by a browser or proxy, so every look comes back here and is audited.
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'",
    'x-thumbnail-event-id': view.eventId,
  });
});
