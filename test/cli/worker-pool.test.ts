// WORKER_PROCESSES=2: `paperboy worker` supervises two plain worker
// processes. A child that dies is replaced; SIGTERM drains both and the
// supervisor exits 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker, type WorkerProcess } from '../digest/worker-process.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('paperboy worker with WORKER_PROCESSES=2', () => {
  let env: TestEnv;
  let pool: WorkerProcess | undefined;

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => {
    await pool?.kill('SIGKILL');
    await env.cleanup();
  });

  const startedPids = () => pool!.lines.filter((l) => l.event === 'worker_started').map((l) => Number(l.pid));

  it('runs two worker processes, replaces one that dies, and drains both on SIGTERM', async () => {
    pool = await spawnWorker(env.config, { WORKER_PROCESSES: '2' });
    await expect.poll(() => new Set(startedPids()).size, { timeout: 60_000, interval: 100 }).toBe(2);
    const [first, second] = startedPids();
    expect([first, second]).not.toContain(pool.child.pid);

    process.kill(first!, 'SIGKILL');
    await expect
      .poll(() => pool!.lines.some((l) => l.event === 'worker_process_exited' && l.pid === first), { timeout: 10_000 })
      .toBe(true);
    await expect.poll(() => new Set(startedPids()).size, { timeout: 60_000, interval: 100 }).toBe(3);
    const replacement = startedPids().find((pid) => pid !== first && pid !== second)!;
    expect(alive(second!)).toBe(true);

    const exited = new Promise<number | null>((resolve) => pool!.child.once('exit', (code) => resolve(code)));
    pool.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Each child drained (its own shutdown line) before the supervisor left.
    for (const pid of [second!, replacement]) expect(alive(pid)).toBe(false);
    expect(pool.lines.filter((l) => l.event === 'shutdown').length).toBeGreaterThanOrEqual(3);
  }, 240_000); // three tsx processes start on a possibly busy machine
});
