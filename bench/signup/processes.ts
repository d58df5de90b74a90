// Child processes for the sign-up benchmark: the real `paperboy serve` and a
// bare express app, each alone in its process so autocannon's CPU is never
// counted in the server's.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * `paperboy` with NODE_ENV=production runs the compiled dist/ (as the Docker
 * image does), so the benchmark measures that, rebuilt first when a source
 * file is newer than the build: a stale build would measure old code.
 */
export async function ensureCompiledBuild(log: (message: string) => void): Promise<void> {
  const builtAt = (() => {
    try {
      return statSync(join(ROOT, 'dist/cli/index.js')).mtimeMs;
    } catch {
      return 0;
    }
  })();
  if (builtAt > newestMtime(join(ROOT, 'src'))) return;
  log('dist/ is missing or older than src/: npm run build…');
  try {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    // tsc still emits on type errors (someone's work in progress elsewhere); say so and go on.
    log(`npm run build reported errors; measuring what it emitted: ${String((error as { stdout?: string }).stdout ?? error).slice(-500)}`);
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
