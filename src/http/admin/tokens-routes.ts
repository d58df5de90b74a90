// /api/admin/tokens: who can use this API. Secrets are shown once, at creation.
import { z } from 'zod';
import {
  ScopesSchema,
  TokenNameSchema,
  createAdminToken,
  listAdminTokens,
  revokeAdminToken,
} from '../../admin/admin-tokens.js';
import type { AppDeps } from '../app.js';
import { AppError, ERROR_CODES } from '../errors.js';
import { defineRoute, type AdminRoute } from './route.js';
import { IdParams, flag } from './schemas.js';

const TokenSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    scopes: z.array(z.string()),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'AdminToken' });

export function tokenRoutes(deps: AppDeps): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/tokens',
      tag: 'tokens',
      summary: 'API tokens (never their secrets)',
      description: 'The bootstrap ADMIN_TOKEN from configuration is not listed.',
      query: z.object({ includeRevoked: flag }),
      responses: { 200: { description: 'The tokens', schema: z.object({ items: z.array(TokenSchema) }) } },
      handle: async ({ query }) => ({
        body: { items: await listAdminTokens(deps.db, { includeRevoked: query.includeRevoked }) },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/tokens',
      tag: 'tokens',
      summary: 'Create a token; its secret is in this response only',
      description:
        'Scopes: read (every GET), subscribers, lists, papers, digests (writes in that area), admin (everything, and tokens).',
      body: z.object({ name: TokenNameSchema, scopes: ScopesSchema }).strict(),
      responses: {
        201: { description: 'The token and its secret', schema: TokenSchema.extend({ token: z.string() }) },
      },
      handle: async ({ body, res }) => {
        const { token, info } = await createAdminToken(deps.db, body.name, body.scopes);
        res.setHeader('Cache-Control', 'no-store');
        return { status: 201, body: { ...info, token } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/tokens/:id',
      tag: 'tokens',
      summary: 'Revoke a token (it stops working at once)',
      params: IdParams,
      responses: { 204: { description: 'Revoked' } },
      handle: async ({ params }) => {
        if (!(await revokeAdminToken(deps.db, params.id)))
          throw new AppError(ERROR_CODES.notFound, 404, 'No such live token');
        return { status: 204 };
      },
    }),
  ];
}
