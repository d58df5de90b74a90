// /api/admin/audit: the trail of admin writes, newest first, cursor-paged.
import { z } from 'zod';
import { listAuditEntries } from '../../admin/audit-log.js';
import type { AppDeps } from '../app.js';
import { defineRoute, type AdminRoute } from './route.js';
import { decodeCursor, pageOf, pageQuery, paged } from './schemas.js';

const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    tokenId: z.number().int().nullable().meta({ description: 'null for the bootstrap ADMIN_TOKEN' }),
    tokenName: z.string(),
    action: z.string().meta({ description: 'the operationId of the write, e.g. postLists' }),
    target: z.string().meta({ example: '/api/admin/lists/llm' }),
    ip: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'AuditEntry' });

export function auditRoutes(deps: AppDeps): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit',
      tag: 'audit',
      summary: 'Every admin write that succeeded: token, action, target, time, IP (newest first, cursor-paged)',
      query: z.object(pageQuery),
      responses: { 200: { description: 'One page of the audit log', schema: paged(AuditEntrySchema) } },
      handle: async ({ query }) => {
        const rows = await listAuditEntries(deps.db, {
          beforeId: query.cursor ? decodeCursor(query.cursor) : undefined,
          limit: query.limit,
        });
        return { body: pageOf(rows, query.limit) };
      },
    }),
  ];
}
