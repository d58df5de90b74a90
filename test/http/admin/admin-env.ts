// Shared set-up for the admin API tests: an app over a fresh database, the
// bootstrap token, and a couple of lists.
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../../src/http/app.js';
import { createTestEnv, type TestEnv } from '../../helpers/context.js';

export interface AdminEnv extends TestEnv {
  app: Express;
  auth: { Authorization: string };
  /** supertest agent with the bootstrap token set. */
  api: {
    get(path: string): request.Test;
    post(path: string): request.Test;
    patch(path: string): request.Test;
    delete(path: string): request.Test;
  };
}

export async function createAdminEnv(overrides: Record<string, string> = {}): Promise<AdminEnv> {
  const env = await createTestEnv(overrides);
  const app = createApp(env.ctx);
  const auth = { Authorization: `Bearer ${env.config.adminToken}` };
  const api = {
    get: (path: string) => request(app).get(`/api/admin${path}`).set(auth),
    post: (path: string) => request(app).post(`/api/admin${path}`).set(auth),
    patch: (path: string) => request(app).patch(`/api/admin${path}`).set(auth),
    delete: (path: string) => request(app).delete(`/api/admin${path}`).set(auth),
  };
  return { ...env, app, auth, api };
}

export async function seedLists(env: TestEnv): Promise<void> {
  await env.ctx.db.list.createMany({
    data: [
      { slug: 'trending', name: 'Trending' },
      { slug: 'llm', name: 'Language models', keywords: ['language model', 'LLM'] },
      { slug: 'vision', name: 'Vision', keywords: ['image', 'video'], categories: ['cs.CV'] },
    ],
  });
}

export async function addSubscriber(
  env: TestEnv,
  email: string,
  options: { status?: 'pending' | 'active' | 'unsubscribed'; lists?: string[] } = {},
) {
  const lists = await env.ctx.db.list.findMany({ where: { slug: { in: options.lists ?? ['trending'] } } });
  return env.ctx.db.subscriber.create({
    data: {
      email,
      status: options.status ?? 'active',
      subscriptions: { create: lists.map((l) => ({ listId: l.id, confirmedAt: new Date() })) },
    },
  });
}
