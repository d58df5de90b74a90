import type { Logger } from '../logger.js';

/**
 * On SIGTERM/SIGINT: stop taking work, let running work drain, close
 * connections, exit. A second signal, or the timeout, exits at once.
 */
export function onShutdown(logger: Logger, shutdown: () => Promise<void>, timeoutMs = 30_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ event: 'shutdown', signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ event: 'shutdown_timeout' }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ event: 'shutdown_failed', err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  // A worker pool's child: its supervisor is gone (even killed outright), so drain and leave.
  if (process.connected) process.once('disconnect', () => handler('SIGTERM'));
}
