// Bearer authentication for /api/admin and /admin/queues: the bootstrap
// ADMIN_TOKEN from config (compared in constant time) or a stored token
// (looked up by its sha256). Everything else is a 401 with one message, so a
// caller cannot tell a revoked token from a mistyped one; an IP that sends
// too many wrong tokens gets 429 for a while. Scopes are checked per route.
import type { RequestHandler, Response } from 'express';
import { hasScope, scopeFor, type Access, type AdminArea, type Scope } from '../../admin/admin-tokens.js';
import { authenticateToken } from '../../admin/token-auth.js';
import { checkRateLimit, hitRateLimit } from '../../subscriptions/rate-limit.js';
import type { AppDeps } from '../app.js';
import { AppError, ERROR_CODES } from '../errors.js';

/** Who is calling: on res.locals.admin once authenticated. */
export interface AdminPrincipal {
  /** null for the bootstrap token. */
  tokenId: number | null;
  name: string;
  scopes: string[];
}

/** Wrong tokens count per IP over this window; past the limit the IP gets 429 until it ends. */
export const AUTH_FAILURE_WINDOW_SECONDS = 15 * 60;
const AUTH_FAILURE_SCOPE = 'admin-auth-failed';

/** After adminAuth: a token without `scope` (or admin) gets 403. */
export function requireScope(scope: Scope): RequestHandler {
  return (_req, res, next) => {
    const admin = res.locals.admin as AdminPrincipal | undefined;
    if (admin && hasScope(admin.scopes, scope)) return next();
    next(new AppError(ERROR_CODES.forbidden, 403, `This token lacks the "${scope}" scope`));
  };
}

/** After adminAuth: 403 unless the token may read or write this area, by the rule every route follows (scopeFor). */
export function requireAccess(access: Access, area: AdminArea): RequestHandler {
  const scope = scopeFor(access, area);
  if (!scope) throw new Error(`nothing may ${access} ${area}`);
  return requireScope(scope);
}

const BEARER = /^Bearer[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i;

const BASIC = /^Basic[ \t]+([A-Za-z0-9+/=]{1,1024})[ \t]*$/i;

export function bearerToken(header: string | undefined): string | undefined {
  return header ? BEARER.exec(header)?.[1] : undefined;
}

/** The password of an HTTP Basic header: browsers can send the token this way to the queue dashboard. */
export function basicPassword(header: string | undefined): string | undefined {
  const encoded = header ? BASIC.exec(header)?.[1] : undefined;
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && decoded.length > colon + 1 ? decoded.slice(colon + 1) : undefined;
}

function unauthorized(message: string): AppError {
  return new AppError(ERROR_CODES.unauthorized, 401, message);
}

export function adminAuth(
  deps: Pick<AppDeps, 'config' | 'db' | 'logger' | 'redis'>,
  options: { allowBasic?: boolean } = {},
): RequestHandler {
  const log = deps.logger.child({ module: 'admin-auth' });
  const limiter = { redis: deps.redis, logger: deps.logger, keyPrefix: deps.config.queuePrefix };
  const limit = deps.config.adminAuthFailureLimit;
  return async (req, res, next) => {
    // Basic lets a browser prompt for the token (any user name, the token as password).
    res.setHeader(
      'WWW-Authenticate',
      options.allowBasic ? 'Basic realm="paperboy-admin", charset="UTF-8"' : 'Bearer realm="paperboy-admin"',
    );
    const header = req.headers.authorization;
    const secret = bearerToken(header) ?? (options.allowBasic ? basicPassword(header) : undefined);
    if (!secret) return next(unauthorized('Missing bearer token'));
    try {
      // An IP that guessed wrong too often is stopped before its next guess is even checked.
      const ip = req.ip ?? 'unknown';
      const throttled = await checkRateLimit(limiter, AUTH_FAILURE_SCOPE, ip, limit);
      if (!throttled.allowed) return next(tooManyFailures(res, throttled.retryAfterSeconds));
      const principal = await authenticateToken(deps, secret);
      if (!principal) {
        log.info({ event: 'admin_auth_failed', ip }, 'admin token rejected');
        await hitRateLimit(limiter, AUTH_FAILURE_SCOPE, ip, Number.MAX_SAFE_INTEGER, AUTH_FAILURE_WINDOW_SECONDS);
        return next(unauthorized('Invalid bearer token'));
      }
      res.locals.admin = principal;
      res.removeHeader('WWW-Authenticate');
      next();
    } catch (error) {
      next(error);
    }
  };
}

function tooManyFailures(res: Response, retryAfterSeconds: number): AppError {
  res.removeHeader('WWW-Authenticate');
  res.setHeader('Retry-After', String(retryAfterSeconds));
  return new AppError(ERROR_CODES.rateLimited, 429, 'Too many wrong tokens from this address; try again later');
}
