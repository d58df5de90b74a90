// WORKER_PROCESSES > 1: this process runs no jobs itself; it supervises that
// many plain `paperboy worker` children (WORKER_PROCESSES=1 each), so a
// CPU-bound send uses every core. A child that dies is started again after
// a backoff; stop() sends each SIGTERM and waits for all to drain. Children
// hold an IPC channel to this process and shut down when it closes, so a
// supervisor killed outright leaves no orphans.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.js';

const BIN = fileURLToPath(new URL('../../bin/paperboy.js', import.meta.url));

export interface WorkerPoolOptions {
  processes: number;
  logger: Logger;
  /** First restart delay; doubles per quick crash, up to 30 s. */
  restartDelayMs?: number;
  /** A child that lived this long counts as healthy: its next restart starts from the first delay. */
  healthyAfterMs?: number;
}

export interface WorkerPool {
  pids(): number[];
  stop(): Promise<void>;
}

export function startWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const log = options.logger.child({ module: 'worker-pool' });
  const firstDelay = options.restartDelayMs ?? 1000;
  const healthyAfter = options.healthyAfterMs ?? 60_000;
  const children = new Map<number, ChildProcess>();
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;

  const start = (slot: number, delay: number) => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [...process.execArgv, BIN, 'worker'], {
      env: { ...process.env, WORKER_PROCESSES: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.set(slot, child);
    log.info({ event: 'worker_process_started', slot, pid: child.pid }, 'worker process started');
    child.once('exit', (code, signal) => {
      children.delete(slot);
      if (stopping) return;
      // `delay` is for a child that crashes soon after starting; one that ran for a while starts over.
      const restartInMs = Date.now() - startedAt >= healthyAfter ? firstDelay : delay;
      log.error(
        { event: 'worker_process_exited', slot, pid: child.pid, code, signal, restartInMs },
        'worker process exited; restarting',
      );
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) start(slot, Math.min(restartInMs * 2, 30_000));
      }, restartInMs);
      timers.add(timer);
    });
  };
  for (let slot = 0; slot < options.processes; slot++) start(slot, firstDelay);
  log.info({ event: 'worker_pool_started', processes: options.processes }, 'worker pool started');

  return {
    pids: () => [...children.values()].map((c) => c.pid!),
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
