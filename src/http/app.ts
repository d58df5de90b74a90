// createApp builds the express app from its dependencies; listening is the
// caller's business, so tests drive the app in-process.
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { QueuePrivacy } from '../admin/subscriber-privacy.js';
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { DigestQueue } from '../digest/queue-port.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Redis } from '../redis.js';
import type { MailJobs } from '../subscriptions/deps.js';
import type { SignupTiming } from '../subscriptions/signup-timing.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { healthRoutes } from './health-routes.js';
import { pageRoutes } from './pages/page-routes.js';
import { pageErrorHandler } from './pages/page-support.js';
import { adminRouter, queueDashboard } from './admin/index.js';
import { digestViewRoutes } from './digest-view-routes.js';
import { webhookRoutes, type WebhookOptions } from './webhook-routes.js';
import { consoleRouter } from './console/index.js';

/**
 * What HTTP handlers may use. No mailer (HTTP never sends mail itself;
 * workers do) and no queues: the domains' queue ports instead. Declared
 * here so src/http never imports the composition root (src/context.ts),
 * whose Context has all of these.
 */
export interface AppDeps {
  config: Config;
  logger: Logger;
  db: Db;
  /** Fails fast: for readiness and rate limits. */
  redis: Redis;
  metrics: Metrics;
  signupTiming: SignupTiming;
  mailJobs: MailJobs;
  digestQueue: DigestQueue;
  queuePrivacy: QueuePrivacy;
  /** The queue dashboard, served under basePath. */
  queueBoard(basePath: string): RequestHandler;
}

export function createApp(deps: AppDeps, options: { webhooks?: WebhookOptions } = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);

  app.use(requestLogging(deps.logger.child({ module: 'http' })));
  app.use((req, res, next) => {
    const end = deps.metrics.httpRequests.startTimer({ method: req.method });
    res.on('finish', () =>
      end({ route: (req.route as { path?: string } | undefined)?.path ?? 'unmatched', status: String(res.statusCode) }),
    );
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'https:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      // Email clients and link previews fetch the view-in-browser page.
      crossOriginResourcePolicy: { policy: 'same-site' },
    }),
  );

  pageRoutes(app, deps);
  healthRoutes(app, deps);
  digestViewRoutes(app, deps);
  webhookRoutes(app, deps, options.webhooks);
  app.use('/api/admin', adminRouter(deps));
  app.use('/admin/queues', queueDashboard(deps));
  app.use('/admin', consoleRouter(deps));

  app.use(notFoundHandler);
  // A browser that reaches an unknown page gets the site's HTML error page;
  // the API, the dashboard and JSON clients keep the JSON error shape.
  const pageErrors = pageErrorHandler(deps.logger);
  app.use(((error, req, res, next) => {
    if (req.path.startsWith('/api/') || req.path.startsWith('/admin/') || req.path.startsWith('/webhooks/'))
      return next(error);
    pageErrors(error, req, res, next);
  }) as ErrorRequestHandler);
  app.use(errorHandler);
  return app;
}

/**
 * Every response carries an X-Request-Id. With info lines on, pino-http logs
 * each request; with them off (LOG_LEVEL=warn or above) it would still build a
 * child logger per request for nothing (about a tenth of a sign-up's server
 * CPU), so handlers get one only when they actually log.
 */
function requestLogging(httpLogger: Logger): RequestHandler {
  const genReqId = (_req: IncomingMessage, res: ServerResponse) => {
    const id = randomUUID();
    res.setHeader('X-Request-Id', id);
    return id;
  };
  if (httpLogger.isLevelEnabled('info')) {
    return pinoHttp({
      logger: httpLogger,
      genReqId,
      // Paths carry tokens (/confirm/:token …): log the route shape only.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactPath(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    });
  }
  return (req, res, next) => {
    const id = genReqId(req, res);
    let log: Logger | undefined;
    Object.defineProperty(req, 'log', { configurable: true, get: () => (log ??= httpLogger.child({ reqId: id })) });
    next();
  };
}

// A signed token is "<payload>.<signature>" (either part can be short for a
// small payload); long opaque segments are treated the same way.
const TOKEN_SEGMENT = /^(?:[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16,}|[A-Za-z0-9_-]{20,})$/;

/**
 * Replaces token-looking path segments so logs never hold a working link.
 * Each segment is judged as the router will see it, percent-decoded: a
 * token with an escaped character works as well as the plain one.
 */
export function redactPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path
    .split('/')
    .map((segment) => (TOKEN_SEGMENT.test(decodeSegment(segment)) ? ':token' : segment))
    .join('/');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
