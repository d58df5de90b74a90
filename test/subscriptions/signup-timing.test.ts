// Answer times do not tell new addresses from existing ones: both paths hold
// their answer until one drawn duration. Deterministic: a virtual clock and
// an injected draw, no wall-clock assertions (the timing benchmark,
// `npm run bench -- signup-timing`, measures the real thing).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { subscribe } from '../../src/subscriptions/subscribe.js';
import {
  createSignupTiming,
  evenOutTiming,
  type Clock,
  type SignupTiming,
} from '../../src/subscriptions/signup-timing.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

/** A clock that only moves when told to: store time is `advance`, waiting is `sleep`. */
function virtualClock(): Clock & { advance(ms: number): void; slept: number[] } {
  let now = 1_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    advance: (ms) => void (now += ms),
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('createSignupTiming', () => {
  it('targets the floor plus the draw until store times are known', () => {
    const timing = createSignupTiming({ minMs: 15, jitterMs: 10, draw: () => 4 });
    expect(timing.targetMs()).toBe(19);
  });

  it('sits at the chosen quantile of recent store times of both paths, plus the draw, capped', () => {
    const timing = createSignupTiming({
      samples: 10,
      minMs: 1,
      quantile: 0.9,
      jitterMs: 10,
      maxMs: 100,
      draw: (n) => n - 1,
    });
    for (const ms of [3, 3, 3, 3, 3, 9, 9, 9, 9, 30]) timing.record(ms);
    expect(timing.targetMs()).toBe(30 + 9);
    for (let i = 0; i < 10; i += 1) timing.record(5000);
    expect(timing.targetMs()).toBe(100);
  });

  it('forgets the oldest store times as new ones come: the quantile of the last `samples` only', () => {
    const samples = 16;
    const timing = createSignupTiming({ samples, minMs: 0, quantile: 0.75, jitterMs: 1, maxMs: 1e9, draw: () => 0 });
    // A fixed pseudo-random walk with repeats, long enough to wrap the ring several times.
    const times = Array.from({ length: 200 }, (_, i) => (i * 7919) % 53);
    times.forEach((ms, i) => {
      timing.record(ms);
      const window = times.slice(Math.max(0, i + 1 - samples), i + 1).sort((a, b) => a - b);
      expect(timing.targetMs()).toBe(window[Math.min(window.length - 1, Math.floor(0.75 * window.length))]);
    });
  });
});

describe('evenOutTiming', () => {
  it('a fast (new-address) and a slow (existing-address) store answer at the same drawn time', async () => {
    const timing = createSignupTiming({ minMs: 20, jitterMs: 5, draw: () => 2 });
    const answerAfter = async (storeMs: number) => {
      const clock = virtualClock();
      const started = clock.now();
      clock.advance(storeMs);
      await evenOutTiming(timing, started, clock);
      return clock.now() - started;
    };
    expect(await answerAfter(3)).toBe(22);
    expect(await answerAfter(9)).toBe(22);
  });

  it('never holds a store that already took longer than the target, and learns from it', async () => {
    const timing = createSignupTiming({ samples: 1, minMs: 10, jitterMs: 1, draw: () => 0 });
    const clock = virtualClock();
    const started = clock.now();
    clock.advance(40);
    await evenOutTiming(timing, started, clock);
    expect(clock.slept).toEqual([]);
    expect(timing.targetMs()).toBe(40);
  });

  it('answers at once without a timing', async () => {
    const clock = virtualClock();
    await evenOutTiming(undefined, clock.now(), clock);
    expect(clock.slept).toEqual([]);
  });
});

describe('subscribe() holds both paths on the timing', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
    await env.ctx.db.list.create({ data: { slug: 'trending', name: 'Trending' } });
  });
  afterAll(() => env.cleanup());

  /** A timing that records what it is told and answers a fixed target. */
  const fixed = (ms: number): SignupTiming & { recorded: number[] } => {
    const recorded: number[] = [];
    return { recorded, record: (v) => void recorded.push(v), targetMs: () => ms };
  };

  it('a new and an existing address each record their store time and wait out the same target', async () => {
    const timing = fixed(10_000);
    const clock = virtualClock();
    const deps = { ...env.ctx, signupTiming: timing, clock };
    const evidence = { ip: '203.0.113.9', userAgent: null };
    expect(await subscribe(deps, { email: 'timing@example.org', lists: ['trending'] }, evidence)).toEqual({
      kind: 'accepted',
    });
    expect(await subscribe(deps, { email: 'timing@example.org', lists: ['trending'] }, evidence)).toEqual({
      kind: 'accepted',
    });
    // The virtual clock does not move while storing: each path slept the whole target.
    expect(clock.slept).toEqual([10_000, 10_000]);
    expect(timing.recorded).toEqual([0, 0]);
  });

  it('POST /subscribe goes through it', async () => {
    const timing = fixed(0);
    const app = createApp({ ...env.ctx, signupTiming: timing });
    const body = { email: 'timing-http@example.org', lists: ['trending'] };
    expect((await request(app).post('/subscribe').send(body)).status).toBe(202);
    expect((await request(app).post('/subscribe').send(body)).status).toBe(202);
    expect(timing.recorded).toHaveLength(2);
  });
});
