// Child processes for the sign-up benchmark: the real `paperboy serve` and a
// bare express app, each alone in its process so autocannon's CPU is never
// counted in the server's.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerChild {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc; null
 * where there is no /proc. Per request, it is the figure that a busy machine
 * distorts least: requests/s depend on what else runs, CPU per request less.
 */
export function cpuMsOf(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks, USER_HZ = 100 on Linux
  } catch {
    return null;
  }
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before serving ${url}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server did not answer ${url} within ${timeoutMs} ms`);
}

/**
 * The environment of a `paperboy serve` the sign-up benchmarks start: production
 * (compiled dist/, production checks), quiet logs, fresh secrets, and addresses at
 * a domain that could receive mail, since production refuses @localhost.
 */
export function productionServerEnv(target: {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: target.databaseUrl,
    REDIS_URL: target.redisUrl,
    QUEUE_PREFIX: target.queuePrefix,
    SECRET_KEY: randomBytes(32).toString('hex'),
    ADMIN_TOKEN: randomBytes(16).toString('hex'),
    MAIL_FROM: 'Paperboy <digest@bench.example.org>',
    UNSUBSCRIBE_MAILTO: 'unsubscribe@bench.example.org',
    // Every request comes from 127.0.0.1: the per-IP limit would stop the run at once.
    SIGNUP_LIMIT_PER_IP: '1000000',
  };
}

/** Starts `node [nodeArgs] script [args]` with this env; resolves once `readyPath` answers 2xx. */
export async function startChild(options: {
  script: string;
  args?: string[];
  nodeArgs?: string[];
  env: Record<string, string>;
  readyPath: string;
}): Promise<ServerChild> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env, PORT: String(port) },
    // Child logs go to stderr: stdout's last line is the benchmark's JSON.
    stdio: ['ignore', 2, 2],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(`${url}${options.readyPath}`, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
