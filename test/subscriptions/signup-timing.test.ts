// Answer times do not tell new addresses from existing ones: a new address's
// answer waits until a duration drawn from recent existing-address sign-ups.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { subscribe } from '../../src/subscriptions/subscribe.js';
import { createSignupTiming, evenOutTiming, type SignupTiming } from '../../src/subscriptions/signup-timing.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

describe('createSignupTiming', () => {
  it('targets the initial time until an existing address is seen, then only recorded times', () => {
    const timing = createSignupTiming({ initialMs: 12 });
    expect(timing.targetMs()).toBe(12);
    timing.recordExisting(7);
    timing.recordExisting(9);
    const drawn = new Set(Array.from({ length: 200 }, () => timing.targetMs()));
    expect(drawn).toEqual(new Set([7, 9]));
  });

  it('keeps only the most recent samples, each capped', () => {
    const timing = createSignupTiming({ samples: 3, maxMs: 100 });
    for (const ms of [1, 2, 3, 4, 5000]) timing.recordExisting(ms);
    const drawn = new Set(Array.from({ length: 300 }, () => timing.targetMs()));
    expect(drawn).toEqual(new Set([3, 4, 100]));
  });
});

describe('evenOutTiming', () => {
  const fixed = (ms: number): SignupTiming & { recorded: number[] } => {
    const recorded: number[] = [];
    return { recorded, recordExisting: (v) => void recorded.push(v), targetMs: () => ms };
  };

  it('holds a new address until the target, counted from when the sign-up started', async () => {
    const timing = fixed(60);
    const startedAt = performance.now() - 20;
    await evenOutTiming(timing, true, startedAt);
    // Timers run off the event loop's clock, which may lag performance.now() by a millisecond.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(58);
    expect(timing.recorded).toEqual([]);
  });

  it('records an existing address and holds it no longer', async () => {
    const timing = fixed(5_000);
    const startedAt = performance.now() - 30;
    const before = performance.now();
    await evenOutTiming(timing, false, startedAt);
    expect(performance.now() - before).toBeLessThan(50);
    expect(timing.recorded).toHaveLength(1);
    expect(timing.recorded[0]).toBeGreaterThanOrEqual(30);
  });
});

describe('subscribe() evens out its answer times', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
    await env.ctx.db.list.create({ data: { slug: 'trending', name: 'Trending' } });
  });
  afterAll(() => env.cleanup());

  const signUp = async (timing: SignupTiming, email: string) => {
    const started = performance.now();
    const outcome = await subscribe({ ...env.ctx, signupTiming: timing }, { email, lists: ['trending'] }, { ip: '203.0.113.9', userAgent: null });
    return { outcome, tookMs: performance.now() - started };
  };

  it('a new address waits for the drawn time; an existing one adds its own time to the draw', async () => {
    const recorded: number[] = [];
    const timing: SignupTiming = { recordExisting: (ms) => void recorded.push(ms), targetMs: () => 150 };
    const first = await signUp(timing, 'timing@example.org');
    expect(first.outcome).toEqual({ kind: 'accepted' });
    expect(first.tookMs).toBeGreaterThanOrEqual(148);
    expect(recorded).toEqual([]);

    const again = await signUp(timing, 'timing@example.org');
    expect(again.outcome).toEqual({ kind: 'accepted' });
    expect(recorded).toHaveLength(1);
    expect(again.tookMs).toBeGreaterThanOrEqual(recorded[0]!);
    expect(again.tookMs).toBeLessThan(150);
  });

  it('POST /subscribe goes through it', async () => {
    const recorded: number[] = [];
    const app = createApp({ ...env.ctx, signupTiming: { recordExisting: (ms) => void recorded.push(ms), targetMs: () => 0 } });
    const body = { email: 'timing-http@example.org', lists: ['trending'] };
    expect((await request(app).post('/subscribe').send(body)).status).toBe(202);
    expect(recorded).toEqual([]);
    expect((await request(app).post('/subscribe').send(body)).status).toBe(202);
    expect(recorded).toHaveLength(1);
  });
});
