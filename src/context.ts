// The composition root: builds every long-lived object once and hands them
// down. Entry points (serve, worker, CLI commands) start from here. It may
// import any folder but src/cli; no folder but src/cli imports it (see
// README.md, "Layers").
import type { RequestHandler } from 'express';
import type { Config } from './config.js';
import { createDb, type Db } from './db.js';
import { createLogger, logErrorsEvery, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createRedis, type Redis } from './redis.js';
import { createJobPorts, lazyQueueBoard, type JobPorts } from './jobs/ports.js';
import { closeQueues, createQueues, type Queues } from './jobs/queues.js';
import { createMailTransport, type MailTransport } from './mail/transport.js';
import { createRelayRateLimiter } from './jobs/relay-rate-limit.js';
import { createSignupTiming, type SignupTiming } from './subscriptions/signup-timing.js';

/** Also the domains' queue ports (JobPorts): what they call instead of touching a queue. */
export interface Context extends JobPorts {
  config: Config;
  logger: Logger;
  db: Db;
  /** Fails fast: for HTTP handlers and producers. */
  redis: Redis;
  /** For src/jobs and the entry points only. */
  queues: Queues;
  /** The queue dashboard, served under basePath. */
  queueBoard(basePath: string): RequestHandler;
  metrics: Metrics;
  mailer: MailTransport;
  /** Per process: the recent sign-up times that new addresses' answers are matched to. */
  signupTiming: SignupTiming;
  close(): Promise<void>;
}

export function createContext(config: Config, overrides: { logger?: Logger } = {}): Context {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const db = createDb(config.databaseUrl, { onError: logErrorsEvery(logger, 'postgres_error') });
  const redis = createRedis(config.redisUrl, 'command', logErrorsEvery(logger, 'redis_error'));
  const queues = createQueues(redis, config.queuePrefix, logErrorsEvery(logger, 'queue_error'));
  const metrics = createMetrics();
  const relays = config.deliverability;
  const mailer = createMailTransport({
    smtpUrls: relays.smtpUrls,
    poolSize: config.smtp.poolSize,
    ratePerSecond: config.smtp.ratePerSecond,
    dkim: config.dkim,
    failover: { failures: relays.relayFailures, cooldownMs: relays.relayCooldownSeconds * 1000 },
    rateLimiter: relays.relayRate.limit
      ? createRelayRateLimiter({
          redis,
          keyPrefix: config.queuePrefix,
          limit: relays.relayRate.limit,
          windowMs: relays.relayRate.windowSeconds * 1000,
        })
      : undefined,
    onRelayEvent: ({ event, relay, reason }) =>
      logger.warn({ module: 'mail', event, relay, reason }, event.replace(/_/g, ' ')),
  });
  return {
    config,
    logger,
    db,
    redis,
    queues,
    ...createJobPorts(queues, redis, config),
    queueBoard: (basePath) => lazyQueueBoard(queues, basePath),
    metrics,
    mailer,
    signupTiming: createSignupTiming(),
    async close() {
      // Closing goes on without Redis: the process is leaving anyway.
      await closeQueues(queues).catch((error: unknown) =>
        logger.warn(
          { event: 'queue_close_failed', err: error instanceof Error ? error.message : String(error) },
          'queues did not close cleanly',
        ),
      );
      mailer.close();
      redis.disconnect();
      await db.$disconnect();
    },
  };
}
