import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { waitForRedis } from '../../src/redis.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

const CLOSED_PORT = 1;

describe('health endpoints', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env.cleanup());

  it('GET /healthz answers ok without touching dependencies', async () => {
    const res = await request(createApp(env.ctx)).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when Postgres and Redis answer', async () => {
    const res = await request(createApp(env.ctx)).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ postgres: 'ok', redis: 'ok' });
  });

  it('GET /metrics exposes default and app metrics in Prometheus format', async () => {
    const app = createApp(env.ctx);
    await request(app).get('/healthz');
    const res = await request(app).get('/metrics').set('Authorization', `Bearer ${env.config.adminToken}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toContain('paperboy_http_request_duration_seconds');
  });

  it('unknown routes get the JSON error shape, or a page for a browser', async () => {
    const app = createApp(env.ctx);
    const json = await request(app).get('/nope').set('Accept', 'application/json');
    expect(json.status).toBe(404);
    expect(json.body).toEqual({ error: { code: 'not_found', message: 'Not found' } });
    const page = await request(app).get('/nope').set('Accept', 'text/html');
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('Not found');
    const api = await request(app).get('/api/nope').set('Accept', 'text/html');
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('not_found');
  });

  it('sets security headers', async () => {
    const res = await request(createApp(env.ctx)).get('/healthz');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('readiness with a dependency down', () => {
  it('answers 503 naming Redis when Redis is unreachable', async () => {
    const env = await createTestEnv({ REDIS_URL: `redis://127.0.0.1:${CLOSED_PORT}` });
    try {
      expect(await waitForRedis(env.ctx.redis, 300)).toBe(false);
      const res = await request(createApp(env.ctx)).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.down).toEqual(['redis']);
      expect(res.body.checks.postgres).toBe('ok');
    } finally {
      await env.cleanup();
    }
  });

  it('answers 503 naming Postgres when Postgres is unreachable', async () => {
    const env = await createTestEnv();
    const { createContext } = await import('../../src/context.js');
    const down = createContext(
      { ...env.config, databaseUrl: `postgresql://postgres@127.0.0.1:${CLOSED_PORT}/x` },
      { logger: env.ctx.logger },
    );
    try {
      expect(await waitForRedis(down.redis)).toBe(true);
      const res = await request(createApp(down)).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.down).toEqual(['postgres']);
      expect(res.body.checks.redis).toBe('ok');
    } finally {
      await down.close();
      await env.cleanup();
    }
  });
});
