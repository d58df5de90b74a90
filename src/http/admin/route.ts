// One table of admin routes. Each entry carries the zod schemas that
// validate its request, so the same objects drive express and the OpenAPI
// document, and neither can list a route the other lacks.
import type { Request, Response, Router } from 'express';
import type { z, ZodObject, ZodType } from 'zod';
import { scopeFor, type Access, type AdminArea, type Scope } from '../../admin/admin-tokens.js';
import { AppError, ERROR_CODES, fromZodError } from '../errors.js';
import { requireScope } from './auth.js';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface Reply {
  status?: number;
  /** Sent as JSON; undefined sends an empty body. */
  body?: unknown;
}

export interface ResponseDoc {
  description: string;
  schema?: ZodType;
  /** Defaults to application/json when a schema is given. */
  contentType?: string;
  /** For a body without a schema (CSV): what one looks like. */
  example?: string;
}

type Out<T> = T extends ZodType ? z.output<T> : undefined;

export interface HandlerInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  req: Request;
  res: Response;
}

export interface RouteSpec<
  P extends ZodObject | undefined,
  Q extends ZodObject | undefined,
  B extends ZodType | undefined,
> {
  method: Method;
  /** Express-style path relative to /api/admin, e.g. "/lists/:list". */
  path: string;
  /** The area it belongs to: its OpenAPI tag, and with the method, the scope it needs. */
  tag: AdminArea;
  /** Whether it reads or writes its area; by default GET reads and every other method writes. */
  access?: Access;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  /** A JSON body, parsed by express.json and validated here. */
  body?: B;
  /**
   * A body the handler hands on as is: a stream it reads itself (CSV import),
   * or JSON a domain function validates item by item with `schema`.
   */
  rawBody?: { contentType: string; description: string; schema?: ZodType; example?: string };
  responses: Record<number, ResponseDoc>;
  /** Return a Reply, or write to res yourself (streams) and return nothing. */
  handle(input: HandlerInput<P, Q, B>): Promise<Reply | void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AdminRoute = RouteSpec<any, any, any>;

export function defineRoute<
  P extends ZodObject | undefined = undefined,
  Q extends ZodObject | undefined = undefined,
  B extends ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): AdminRoute {
  return spec;
}

/**
 * Postgres text cannot hold U+0000, and no admin field has a use for it:
 * refuse it in params, query and body alike before it reaches a query.
 * Walked with a stack, not recursion: bodies may be nested thousands deep.
 */
function refuseNul(value: unknown): void {
  const stack = [value];
  while (stack.length) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (item.includes('\u0000')) {
        throw new AppError(ERROR_CODES.validation, 400, 'Text must not contain NUL characters', [
          { path: '', message: 'contains U+0000' },
        ]);
      }
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) stack.push(key, child);
    }
  }
}

function parse(schema: ZodType | undefined, value: unknown): unknown {
  if (!schema) return undefined;
  refuseNul(value);
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw fromZodError(result.error);
  return result.data;
}

/**
 * A JSON route given a body of another type (text/plain, a form, XML) would
 * see no body at all and might act on that (an empty PATCH): refuse it.
 * req.is() is null when there is no body, which stays allowed.
 */
function refuseNonJson(route: AdminRoute, req: Request): void {
  const json = route.body !== undefined || route.rawBody?.contentType === 'application/json';
  if (json && req.is('application/json') === false) {
    throw new AppError(ERROR_CODES.unsupportedMedia, 415, 'Send the body as JSON with Content-Type: application/json');
  }
}

type RouteAccess = Pick<AdminRoute, 'method' | 'path' | 'tag' | 'access'>;

/** Changes something: any method but GET, unless the route says it only reads (a POST that previews). */
export function isWrite(route: RouteAccess): boolean {
  return (route.access ?? (route.method === 'get' ? 'read' : 'write')) === 'write';
}

/**
 * The scope a route needs, by the rule the console shares (scopeFor over
 * its tag and access). A write route in an area with no write scope is a
 * programming error: mounting fails.
 */
export function scopeOf(route: RouteAccess): Scope {
  const scope = scopeFor(isWrite(route) ? 'write' : 'read', route.tag);
  if (!scope) throw new Error(`admin route ${route.method} ${route.path} needs a scope`);
  return scope;
}

export interface MountOptions {
  /** Called once a write route (isWrite) has answered below 400, before its reply is sent. */
  afterWrite?(route: AdminRoute, req: Request, res: Response, reply: Reply | void): Promise<void>;
}

export function mountRoutes(router: Router, routes: AdminRoute[], options: MountOptions = {}): void {
  for (const route of routes) {
    router[route.method](route.path, requireScope(scopeOf(route)), async (req, res, next) => {
      try {
        refuseNonJson(route, req);
        const input = {
          params: parse(route.params as ZodType | undefined, req.params),
          query: parse(route.query as ZodType | undefined, req.query),
          body: parse(route.body as ZodType | undefined, req.body),
          req,
          res,
        };
        const reply = await route.handle(input);
        const status = reply ? (reply.status ?? 200) : res.statusCode;
        if (isWrite(route) && status < 400) await options.afterWrite?.(route, req, res, reply);
        if (!reply || res.headersSent) return;
        res.status(reply.status ?? 200);
        if (reply.body === undefined) res.end();
        else res.json(reply.body);
      } catch (error) {
        next(error);
      }
    });
  }
}
