// The main job, as a user runs it: `paperboy demo --once` on an empty
// database sends the demo reader one digest through SMTP and exits. It runs
// on a port other than 3000 with PUBLIC_URL unset, so every printed and
// mailed link must follow PORT.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_READER } from '../../src/cli/demo/run-demo.js';
import { DEFAULT_LISTS } from '../../src/cli/demo/default-lists.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

const PORT = 3401;
const BASE = `http://localhost:${PORT}`;

function runDemo(env: TestEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/paperboy.js', 'demo', '--once'], {
      env: {
        PATH: process.env.PATH,
        // As `npm run demo` sets it: the demo runs on the public development secrets.
        NODE_ENV: 'development',
        DATABASE_URL: env.config.databaseUrl,
        SMTP_URL: env.sink.url,
        QUEUE_PREFIX: env.config.queuePrefix,
        PORT: String(PORT),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
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
    expect(first.stdout).toContain(`Read it in the browser: ${BASE}/digests/`);
    expect(first.stdout).toMatch(/read the demo's mail there/);
    // Human lines only: LOG_LEVEL=info does not bring log lines without --verbose.
    expect(first.stdout).not.toContain('{"level"');
    expect(first.stderr).toBe('');
    expect(await env.ctx.db.paper.count()).toBe(59);
    expect((await env.ctx.db.list.findMany()).map((l) => l.slug).sort()).toEqual(
      DEFAULT_LISTS.map((l) => l.slug).sort(),
    );
    const [mail] = await env.sink.waitFor(1);
    expect(mail!.envelope.to).toEqual([DEMO_READER]);
    expect(mail!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/im);
    expect(mail!.parsed.text).toContain('Trending');
    const links = [...String(mail!.parsed.html).matchAll(/href="(https?:\/\/[^"]+)"/g)].map((m) => m[1]!);
    const own = links.filter((link) => new URL(link).hostname === 'localhost');
    expect(own.length).toBeGreaterThan(0);
    for (const link of own) expect(link.startsWith(`${BASE}/`), link).toBe(true);
    expect(mail!.raw).not.toContain('localhost:3000');

    const again = await runDemo(env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('was sent by an earlier run');
    expect(env.sink.messages).toHaveLength(1);
    expect(await env.ctx.db.delivery.count({ where: { status: 'sent' } })).toBe(1);
  }, 90_000);
});
