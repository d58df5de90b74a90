import type { IRouter, RequestHandler } from 'express';
import { tokensEqual } from '../admin/admin-tokens.js';
import { pingDatabase } from '../db.js';
import { withTimeout } from '../timeout.js';
import { registerFeedbackGauges } from '../inbound/feedback-stats.js';
import type { AppDeps } from './app.js';
import { adminAuth, bearerToken, requireScope } from './admin/auth.js';

const CHECK_TIMEOUT_MS = 1500;

/** Each check answers "ok" or the reason it failed; no internals beyond that. */
export async function checkReadiness(deps: Pick<AppDeps, 'db' | 'redis'>) {
  const [postgres, redis] = await Promise.all([
    withTimeout(pingDatabase(deps.db), CHECK_TIMEOUT_MS).then(
      () => 'ok',
      () => 'unreachable',
    ),
    withTimeout(deps.redis.ping(), CHECK_TIMEOUT_MS).then(
      () => 'ok',
      () => 'unreachable',
    ),
  ]);
  return { postgres, redis };
}

/** Registers the health and metrics routes on `router` (the app itself: no nested router to pass through). */
export function healthRoutes(router: IRouter, deps: AppDeps): void {
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = await checkReadiness(deps);
    const down = Object.entries(checks)
      .filter(([, state]) => state !== 'ok')
      .map(([name]) => name);
    res.status(down.length ? 503 : 200).json({ status: down.length ? 'unavailable' : 'ok', checks, down });
  });
  registerFeedbackGauges(deps.metrics.registry, deps.db);
  router.get('/metrics', metricsAuth(deps), async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}

/**
 * /metrics is not public: counters over time tell what happens to whom. It
 * takes METRICS_TOKEN (for a scraper that should see nothing else) or an
 * admin token with the read scope, as a bearer token.
 */
function metricsAuth(deps: AppDeps): RequestHandler {
  const admin = adminAuth(deps);
  const read = requireScope('read');
  return (req, res, next) => {
    const secret = bearerToken(req.headers.authorization);
    if (secret && deps.config.metricsToken && tokensEqual(secret, deps.config.metricsToken)) return next();
    admin(req, res, (error?: unknown) => (error ? next(error) : read(req, res, next)));
  };
}
