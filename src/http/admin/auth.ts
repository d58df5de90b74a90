// Bearer authentication for /api/admin and /admin/queues: the bootstrap
// ADMIN_TOKEN from config (compared in constant time) or a stored token
// (looked up by its sha256). Everything else is a 401 with one message, so a
// caller cannot tell a revoked token from a mistyped one.
import type { RequestHandler } from 'express';
import { findActiveAdminToken, tokensEqual, touchAdminToken } from '../../admin/admin-tokens.js';
import type { AppDeps } from '../app.js';
import { AppError, ERROR_CODES } from '../errors.js';

export interface AdminPrincipal {
  /** null for the bootstrap token. */
  tokenId: number | null;
  name: string;
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

export function adminAuth(deps: Pick<AppDeps, 'config' | 'db' | 'logger'>, options: { allowBasic?: boolean } = {}): RequestHandler {
  const log = deps.logger.child({ module: 'admin-auth' });
  return async (req, res, next) => {
    // Basic lets a browser prompt for the token (any user name, the token as password).
    res.setHeader('WWW-Authenticate', options.allowBasic ? 'Basic realm="paperboy-admin", charset="UTF-8"' : 'Bearer realm="paperboy-admin"');
    const header = req.headers.authorization;
    const secret = bearerToken(header) ?? (options.allowBasic ? basicPassword(header) : undefined);
    if (!secret) return next(unauthorized('Missing bearer token'));
    if (tokensEqual(secret, deps.config.adminToken)) {
      res.locals.admin = { tokenId: null, name: 'bootstrap' } satisfies AdminPrincipal;
      res.removeHeader('WWW-Authenticate');
      return next();
    }
    try {
      const token = await findActiveAdminToken(deps.db, secret);
      if (!token) {
        log.info({ event: 'admin_auth_failed', ip: req.ip }, 'admin token rejected');
        return next(unauthorized('Invalid bearer token'));
      }
      res.locals.admin = { tokenId: token.id, name: token.name } satisfies AdminPrincipal;
      res.removeHeader('WWW-Authenticate');
      // Bookkeeping must never fail or slow the request it is about.
      touchAdminToken(deps.db, token).catch((error: unknown) =>
        log.warn({ event: 'admin_token_touch_failed', err: error }, 'could not record token use'),
      );
      next();
    } catch (error) {
      next(error);
    }
  };
}
