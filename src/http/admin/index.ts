// The admin JSON API under /api/admin: bearer authentication first, then a
// 1 MB JSON body parser, then one table of routes (which also generates
// GET /api/admin/openapi.json).
import { readFileSync } from 'node:fs';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { recordAudit } from '../../admin/audit-log.js';
import { adminAuth, type AdminPrincipal } from './auth.js';
import { auditRoutes } from './audit-routes.js';
import { listRoutes } from './lists-routes.js';
import { buildOpenApiDocument, operationId } from './openapi.js';
import { paperRoutes } from './papers-routes.js';
import { defineRoute, mountRoutes, type AdminRoute, type Reply } from './route.js';
import { statsRoutes } from './stats-routes.js';
import { subscriberCsvRoutes } from './subscriber-csv-routes.js';
import { subscriberRoutes } from './subscribers-routes.js';
import { subscriberLinkRoutes } from './subscriber-links-routes.js';
import { suppressionRoutes } from './suppressions-routes.js';
import { tokenRoutes } from './tokens-routes.js';
import { digestRoutes } from './digests-routes.js';

export { ADMIN_BASE_PATH } from './openapi.js';
export { queueDashboard, QUEUE_DASHBOARD_PATH } from './queue-dashboard.js';

export interface AdminOptions {
  /** Cap for CSV imports (streamed, never buffered). */
  importMaxBytes?: number;
}

export const ADMIN_JSON_LIMIT = '1mb';
export const IMPORT_MAX_BYTES = 50 * 2 ** 20;

const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Every admin route, in matching order: fixed paths before :id paths. */
export function adminRoutes(deps: AppDeps, options: AdminOptions = {}): AdminRoute[] {
  const routes: AdminRoute[] = [
    ...listRoutes(deps),
    ...subscriberCsvRoutes(deps, { importMaxBytes: options.importMaxBytes ?? IMPORT_MAX_BYTES }),
    ...subscriberRoutes(deps),
    ...subscriberLinkRoutes(deps),
    ...paperRoutes(deps),
    ...digestRoutes(deps),
    ...statsRoutes(deps),
    ...suppressionRoutes(deps),
    ...tokenRoutes(deps),
    ...auditRoutes(deps),
  ];
  routes.push(
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      tag: 'meta',
      summary: 'This API as an OpenAPI 3 document',
      responses: { 200: { description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
      handle: () => Promise.resolve({ body: openApiDocument(deps, routes) }),
    }),
  );
  return routes;
}

const documents = new WeakMap<object, ReturnType<typeof buildOpenApiDocument>>();

/** The OpenAPI document, built once per app: the API serves it, and the console's API docs page shows it. */
export function openApiDocument(deps: AppDeps, routes?: AdminRoute[]): ReturnType<typeof buildOpenApiDocument> {
  let document = documents.get(deps);
  if (!document) {
    document = buildOpenApiDocument(routes ?? adminRoutes(deps), {
      version: VERSION,
      serverUrl: deps.config.publicUrl,
    });
    documents.set(deps, document);
  }
  return document;
}

export function adminRouter(deps: AppDeps, options: AdminOptions = {}): Router {
  const router = Router();
  router.use(adminAuth(deps));
  router.use((_req, res, next) => {
    // Admin answers hold personal data: no cache anywhere may keep them.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(express.json({ limit: ADMIN_JSON_LIMIT }));
  mountRoutes(router, adminRoutes(deps, options), {
    afterWrite: (route, req, res, reply) => auditWrite(deps, route, req, res, reply),
  });
  return router;
}

/** The audit row of a write: the path written to, plus the id of what a POST created. */
function auditWrite(deps: AppDeps, route: AdminRoute, req: Request, res: Response, reply: Reply | void): Promise<void> {
  const admin = res.locals.admin as AdminPrincipal;
  const created = (reply?.body as { id?: unknown } | undefined)?.id;
  const path = `${req.baseUrl}${req.path}`;
  const target = route.method === 'post' && typeof created === 'number' ? `${path}/${created}` : path;
  return recordAudit(deps.db, {
    tokenId: admin.tokenId,
    tokenName: admin.name,
    action: operationId(route),
    target,
    ip: req.ip ?? null,
  });
}
