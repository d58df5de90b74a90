// A Redis server of the suite's own, on its own port, that a test can kill
// with SIGKILL and start again on the same port. The shared Redis is never
// touched. Without persistence (the default) a restart comes back empty:
// every queue, job and scheduler is gone, as after a lost Redis host.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onProcessEnd } from './on-exit.js';
import { freePort } from './ports.js';

export interface RedisServerOptions {
  /** appendonly yes + appendfsync always in a temporary directory. */
  persistent?: boolean;
}

export class RedisServer {
  private child: ChildProcess | undefined;
  private dir: string | undefined;
  // A failed or interrupted run leaves no redis-server (or its directory) behind.
  private readonly unregister = onProcessEnd(() => {
    this.child?.kill('SIGKILL');
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  });

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options);
    if (options.persistent) server.dir = mkdtempSync(join(tmpdir(), 'pb-faults-redis-'));
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on the same port; resolves when it accepts commands. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('redis-server is already running');
    const persistence = this.options.persistent
      ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir!]
      : ['--appendonly', 'no'];
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--daemonize', 'no'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          child.stdout.off('data', onData);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output.slice(-1000)}`)));
    });
    child.stdout.resume();
    child.stderr.resume();
  }

  /** SIGKILL: no shutdown, no save. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.unregister();
  }
}
