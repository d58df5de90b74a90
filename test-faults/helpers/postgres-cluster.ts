// A throwaway Postgres cluster of the suite's own (initdb in a temporary
// directory, its own port), so a test can stop it with `-m immediate` - a
// crash as far as clients can tell - and start it again. The shared
// Postgres is never touched. Postgres refuses to run as root, so every
// server command runs as the `postgres` OS user.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onProcessEnd } from './on-exit.js';
import { freePort } from './ports.js';

const run = promisify(execFile);
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Runs a server binary as `postgres` when we are root, as ourselves otherwise. */
function command(binary: string, args: string[]): [string, string[]] {
  const path = join(BIN, binary);
  return userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

export class PostgresCluster {
  private running = false;
  // Even when a test fails hard or the run is interrupted, no cluster outlives it.
  private readonly unregister = onProcessEnd(() => this.destroySync());

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PostgresCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'pb-faults-pg-'));
    const cluster = new PostgresCluster(dir, await freePort());
    try {
      if (userInfo().uid === 0) {
        const { uid, gid } = postgresUser();
        chownSync(dir, uid, gid);
      }
      const [cmd, args] = command('initdb', [
        '-D',
        cluster.dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
      ]);
      await run(cmd, args);
      await cluster.start();
      return cluster;
    } catch (error) {
      cluster.destroySync();
      throw error;
    }
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** A URL for one database of this cluster. */
  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
    const [cmd, args] = command('pg_ctl', [
      '-D',
      this.dataDir,
      '-o',
      options,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
    await run(cmd, args);
    this.running = true;
  }

  /** `-m immediate`: every backend is killed; the next start runs crash recovery. */
  async crash(): Promise<void> {
    const [cmd, args] = command('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    await run(cmd, args);
    this.running = false;
  }

  async destroy(): Promise<void> {
    if (this.running) await this.crash().catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
    this.unregister();
  }

  destroySync(): void {
    if (this.running) {
      try {
        const [cmd, args] = command('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
        execFileSync(cmd, args, { stdio: 'ignore' });
      } catch {
        // already gone
      }
      this.running = false;
    }
    rmSync(this.dir, { recursive: true, force: true });
    this.unregister();
  }
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}
