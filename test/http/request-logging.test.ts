// Request logs: at info, one line per request with the path's tokens
// redacted; at warn and above, none, and no per-request logger is built.
// Every response carries a request id either way.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { createToken } from '../../src/subscriptions/tokens.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

function appLoggingAt(env: TestEnv, level: string, deps: Partial<TestEnv['ctx']> = {}) {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  return { app: createApp({ ...env.ctx, logger, ...deps }), lines };
}

describe('request logging', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env.cleanup());

  it('logs each request at info without the token in its path', async () => {
    const { app, lines } = appLoggingAt(env, 'info');
    const token = createToken(env.config.secretKey, 'unsubscribe', { sub: 999_999 });
    const res = await request(app).get(`/unsubscribe/${token}`);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const logged = lines.map((l) => JSON.parse(l) as { req?: { url: string; id: string }; msg: string });
    const line = logged.find((l) => l.req?.url?.startsWith('/unsubscribe/'));
    expect(line?.req?.url).toBe('/unsubscribe/:token');
    expect(line?.req?.id).toBe(res.headers['x-request-id']);
    expect(lines.join('\n')).not.toContain(token);
  });

  it('writes nothing per request at warn, and still sets a request id', async () => {
    const { app, lines } = appLoggingAt(env, 'warn');
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await request(app).get('/');
    expect(lines).toEqual([]);
  });

  it('at warn, a failed request is still logged with its request id', async () => {
    const db = createDb('postgresql://postgres@127.0.0.1:1/nothing', { max: 1 }); // nothing listens on port 1
    try {
      const { app, lines } = appLoggingAt(env, 'warn', { db });
      const res = await request(app).get('/api/admin/lists').set('Authorization', `Bearer ${env.config.adminToken}`);
      expect(res.status).toBeGreaterThanOrEqual(500);
      const logged = lines.map((l) => JSON.parse(l) as { event?: string; reqId?: string; module?: string });
      expect(logged).toEqual([
        expect.objectContaining({ event: 'http_error', module: 'http', reqId: res.headers['x-request-id'] }),
      ]);
    } finally {
      await db.$disconnect();
    }
  });
});
