// /api/admin/suppressions: addresses nothing is sent to (hard bounces,
// complaints), and lifting one on purpose.
import { z } from 'zod';
import { findSuppressions } from '../../subscriptions/suppression-repo.js';
import { liftSuppressionFor } from '../../inbound/suppressions.js';
import type { AppDeps } from '../app.js';
import { AppError, ERROR_CODES } from '../errors.js';
import type { AdminPrincipal } from './auth.js';
import { defineRoute, type AdminRoute } from './route.js';
import { decodeCursor, pageOf, pageQuery, paged } from './schemas.js';

const SuppressionSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    reason: z.enum(['hard_bounce', 'complaint']),
    source: z.string().meta({ description: 'inbound | ses | sendgrid | postmark | mailgun' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Suppression' });

export function suppressionRoutes(deps: AppDeps): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/suppressions',
      tag: 'suppressions',
      summary: 'Suppressed addresses (hard bounces, complaints), newest first',
      query: z.object({ ...pageQuery, q: z.string().max(200).optional().meta({ description: 'part of the address' }) }),
      responses: { 200: { description: 'A page of suppressions', schema: paged(SuppressionSchema) } },
      handle: async ({ query }) => {
        const rows = await findSuppressions(deps.db, {
          beforeId: query.cursor ? decodeCursor(query.cursor) : undefined,
          limit: query.limit,
          q: query.q,
        });
        return { body: pageOf(rows, query.limit) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/suppressions/lift',
      tag: 'suppressions',
      summary: 'Lift the suppression of one address (recorded with who and why)',
      body: z.object({ email: z.string().trim().max(320).email(), note: z.string().trim().min(3).max(500) }).strict(),
      responses: { 200: { description: 'Lifted', schema: z.object({ email: z.string(), lifted: z.literal(true) }) } },
      handle: async ({ body, res }) => {
        const admin = res.locals.admin as AdminPrincipal;
        if (!(await liftSuppressionFor(deps, { email: body.email, by: admin.name, note: body.note }))) {
          throw new AppError(ERROR_CODES.notFound, 404, 'email: this address is not suppressed');
        }
        return { body: { email: body.email.toLowerCase(), lifted: true } };
      },
    }),
  ];
}
