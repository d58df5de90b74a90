// POST /api/admin/subscribers/:id/revoke-links: signs out every link a
// subscriber holds (a forwarded digest, a leaked preference link).
import type { AppDeps } from '../app.js';
import { AppError, ERROR_CODES } from '../errors.js';
import { revokeLinks } from '../../subscriptions/link-version.js';
import { defineRoute, type AdminRoute } from './route.js';
import { IdParams } from './schemas.js';

export function subscriberLinkRoutes(deps: AppDeps): AdminRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/subscribers/:id/revoke-links',
      tag: 'subscribers',
      summary: "Sign out every link in the subscriber's emails so far",
      description:
        'Confirm, preference, unsubscribe and view links issued until now stop working; the next email carries working ones.',
      params: IdParams,
      responses: { 204: { description: 'Signed out' } },
      handle: async ({ params }) => {
        if (!(await revokeLinks(deps.db, params.id)))
          throw new AppError(ERROR_CODES.notFound, 404, 'No such subscriber');
        return { status: 204 };
      },
    }),
  ];
}
