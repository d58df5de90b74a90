// The main job, as a user runs it: `paperboy demo --once` on an empty
// database sends the demo reader one digest through SMTP and exits.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_READER } from '../../src/demo/run-demo.js';
import { DEFAULT_LISTS } from '../../src/demo/default-lists.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

function runDemo(env: TestEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/paperboy.js', 'demo', '--once'], {
      env: {
        PATH: process.env.PATH,
        // As `npm run demo` sets it: the demo runs on the public development secrets.
        NODE_ENV: 'development',
        DATABASE_URL: env.config.databaseUrl,
        SMTP_URL: env.sink.url,
        QUEUE_PREFIX: env.config.queuePrefix,
        PUBLIC_URL: env.config.publicUrl,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('paperboy demo --once', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env.cleanup());

  it('ingests the sample, creates the lists and sends the reader one digest; a rerun sends nothing', async () => {
    const first = await runDemo(env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('Read it in the browser: https://paperboy.test/digests/');
    expect(await env.ctx.db.paper.count()).toBe(59);
    expect((await env.ctx.db.list.findMany()).map((l) => l.slug).sort()).toEqual(DEFAULT_LISTS.map((l) => l.slug).sort());
    const [mail] = await env.sink.waitFor(1);
    expect(mail!.envelope.to).toEqual([DEMO_READER]);
    expect(mail!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/im);
    expect(mail!.parsed.text).toContain('Trending');

    const again = await runDemo(env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('was sent by an earlier run');
    expect(env.sink.messages).toHaveLength(1);
    expect(await env.ctx.db.delivery.count({ where: { status: 'sent' } })).toBe(1);
  }, 90_000);
});
