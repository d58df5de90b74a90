// `paperboy worker` (or `serve`) as a real child process, for the crash,
// scale-out and fault tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../src/config.js';

const BIN = fileURLToPath(new URL('../../bin/paperboy.js', import.meta.url));
const NEVER = '0 0 1 1 *';

export interface WorkerProcess {
  child: ChildProcess;
  /** Parsed JSON log lines. */
  lines: Array<Record<string, unknown>>;
  sentByThisWorker(): number;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnWorker(config: Config, env: Record<string, string> = {}): Promise<WorkerProcess> {
  return spawnPaperboy('worker', config, env);
}

/** Resolves once the process has logged that it is up (worker_started, or http_listening for serve). */
export async function spawnPaperboy(
  command: 'worker' | 'serve',
  config: Config,
  env: Record<string, string> = {},
): Promise<WorkerProcess> {
  const readyEvent = command === 'serve' ? 'http_listening' : 'worker_started';
  const child = spawn(process.execPath, [BIN, command], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: config.databaseUrl,
      REDIS_URL: config.redisUrl,
      SMTP_URL: config.smtpUrl,
      QUEUE_PREFIX: config.queuePrefix,
      SECRET_KEY: config.secretKey,
      PUBLIC_URL: config.publicUrl,
      // Nothing but the test's own jobs: schedulers that never fire, no network.
      DIGEST_CRON: NEVER,
      INGEST_CRON: NEVER,
      HF_BASE_URL: 'http://127.0.0.1:9',
      // One process, as the tests that signal or kill it expect; the pool's own test asks for more.
      WORKER_PROCESSES: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const started = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          lines.push(parsed);
          if (parsed.event === readyEvent) resolve();
        } catch {
          // not a log line
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`${command} exited early (${code}): ${stderr.slice(-2000)}`)));
  });
  await started;
  return {
    child,
    lines,
    sentByThisWorker: () =>
      lines.filter((l) => l.event === 'digest_batch_sent').reduce((n, l) => n + Number(l.sent ?? 0), 0),
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      await exited;
    },
  };
}
