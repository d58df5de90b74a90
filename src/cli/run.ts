// serve, worker and start: the long-running entry points.
import type { Server } from 'node:http';
import type { Config } from '../config.js';
import { createContext, type Context } from '../context.js';
import { createApp } from '../http/app.js';
import { waitForRedis } from '../redis.js';
import { PROCESSORS } from '../jobs/processors.js';
import { keepSchedulers } from '../jobs/schedulers.js';
import { repairAfterRedisLoss } from '../jobs/maintenance-job.js';
import { startWorkers } from '../jobs/workers.js';
import { addressConfirmationLimit } from '../subscriptions/confirmation-mail.js';
import { startOutboxPoller } from '../subscriptions/confirmation-outbox.js';
import { startInboundServer } from '../inbound/inbound-server.js';
import { onShutdown } from './lifecycle.js';
import { startWorkerPool } from './worker-pool.js';
import { parseFlags } from './flags.js';
import { checkPostgres } from './preflight.js';
import { usageError, type CommandName } from './usage.js';

export interface Stoppable {
  stop(): Promise<void>;
}

export async function startServer(ctx: Context, port = ctx.config.port): Promise<Stoppable & { server: Server }> {
  // Sign-ups fall back to Postgres when Redis is down, but there is no
  // reason to start in that state when Redis is merely still connecting.
  if (!(await waitForRedis(ctx.redis))) ctx.logger.warn({ event: 'redis_unavailable' }, 'starting without Redis');
  const app = createApp(ctx);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, () => resolve(s)).on('error', reject);
  });
  // A client that trickles its headers or body must not hold a connection
  // for Node's default five minutes; a 50 MB CSV import still fits.
  server.headersTimeout = 15_000;
  server.requestTimeout = 120_000;
  ctx.logger.info({ event: 'http_listening', port, url: ctx.config.publicUrl }, 'listening');
  return {
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

export async function startWorker(ctx: Context): Promise<Stoppable> {
  if (ctx.config.workerProcesses > 1)
    return startWorkerPool({ processes: ctx.config.workerProcesses, logger: ctx.logger });
  const stopSchedulers = await keepSchedulers(ctx.redis, ctx.queues, ctx.config, ctx.logger, {
    afterLoss: () => repairAfterRedisLoss(ctx),
  });
  const running = startWorkers(ctx, PROCESSORS);
  const outbox = startOutboxPoller({ ...ctx, confirmationLimit: addressConfirmationLimit(ctx) });
  ctx.logger.info({ event: 'worker_started', pid: process.pid, queues: Object.keys(PROCESSORS) }, 'worker started');
  return {
    stop: async () => {
      stopSchedulers();
      await Promise.all([running.close(), outbox.stop()]);
    },
  };
}

export async function startInbound(ctx: Context): Promise<Stoppable> {
  const server = await startInboundServer(ctx);
  return { stop: () => server.close() };
}

/** Runs the given parts until a signal arrives, then stops them in reverse. */
export async function runUntilSignal(ctx: Context, parts: Array<(ctx: Context) => Promise<Stoppable>>): Promise<void> {
  for (const warning of ctx.config.warnings) ctx.logger.warn({ event: 'config_warning' }, warning);
  const started: Stoppable[] = [];
  for (const part of parts) started.push(await part(ctx));
  onShutdown(ctx.logger, async () => {
    for (const part of started.reverse()) await part.stop();
    await ctx.close();
  });
}

/**
 * A long-running command: Postgres must answer within STARTUP_WAIT_SECONDS
 * (containers often start before their database), or the process exits 1
 * with a message naming it, instead of listening while every job fails.
 */
async function runLongLived(
  name: CommandName,
  args: string[],
  config: Config,
  parts: Array<(ctx: Context) => Promise<Stoppable>>,
): Promise<void> {
  const flags = parseFlags(args, {});
  if (typeof flags === 'string') return usageError(name, flags);
  await checkPostgres(config, { waitMs: config.startupWaitSeconds * 1000 });
  await runUntilSignal(createContext(config), parts);
}

export const runStartCommand = (args: string[], config: Config) =>
  runLongLived('start', args, config, [startServer, startWorker, startInbound]);
export const runServeCommand = (args: string[], config: Config) => runLongLived('serve', args, config, [startServer]);
export const runWorkerCommand = (args: string[], config: Config) => runLongLived('worker', args, config, [startWorker]);
export const runInboundCommand = (args: string[], config: Config) =>
  runLongLived('inbound', args, config, [startInbound]);
