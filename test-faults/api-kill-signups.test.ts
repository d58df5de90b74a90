// Fault: the API process (`paperboy serve`) is killed with SIGKILL in the
// middle of a burst of sign-ups. Every sign-up that was answered 2xx
// ("check your inbox") must be in Postgres and get exactly one confirmation
// email: its outbox row was committed with it, and a worker sends from
// Postgres. Clients that got no answer
// retry against a restarted API, and still get one email each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactionalMessageId } from '../src/subscriptions/subscription-emails.js';
import { createTestEnv, type TestEnv } from '../test/helpers/context.js';
import { spawnPaperboy, spawnWorker, type WorkerProcess } from '../test/digest/worker-process.js';
import { elapsed, waitUntil } from './helpers/digest-scenario.js';
import { FaultSink } from './helpers/fault-sink.js';
import { freePort } from './helpers/ports.js';

const BURST = 400;
const CONCURRENCY = 25;
/** The kill lands once this many sign-ups have been answered. */
const KILL_AFTER = 120;
const LIMITS = { SIGNUP_LIMIT_PER_IP: '1000000', SIGNUP_LIMIT_PER_ADDRESS: '100' };

type Answer = { email: string; status: number | 'no answer' };

async function signUp(port: number, email: string): Promise<number | 'no answer'> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        email,
        lists: ['trending'],
        frequency: 'daily',
        sendHour: 7,
        weekday: 1,
        timezone: 'UTC',
      }),
      signal: AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 'no answer';
  }
}

/** Sends every address, CONCURRENCY at a time, calling onAnswer after each. */
async function burst(port: number, emails: string[], onAnswer: (answers: Answer[]) => void): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < emails.length) {
        const email = emails[next++]!;
        answers.push({ email, status: await signUp(port, email) });
        onAnswer(answers);
      }
    }),
  );
  return answers;
}

const ok = (a: Answer) => typeof a.status === 'number' && a.status >= 200 && a.status < 300;

describe('fault: the API process killed during a burst of sign-ups', () => {
  let env: TestEnv;
  let sink: FaultSink;
  const processes: WorkerProcess[] = [];

  beforeAll(async () => {
    sink = await new FaultSink().up();
    env = await createTestEnv({ SMTP_URL: sink.url, ...LIMITS });
    await env.ctx.db.list.create({ data: { slug: 'trending', name: 'Trending' } });
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await env?.cleanup();
    await sink?.down();
  });

  it('every sign-up answered 2xx is stored and gets exactly one confirmation; retries after the crash add none', async () => {
    const started = Date.now();
    const port = await freePort();
    const api = await spawnPaperboy('serve', env.config, { ...LIMITS, PORT: String(port) });
    processes.push(api);
    const emails = Array.from({ length: BURST }, (_, i) => `burst${i}@signup-kill.test`);

    const answers = await burst(port, emails, (so) => {
      if (so.filter(ok).length >= KILL_AFTER && api.child.exitCode === null && api.child.signalCode === null)
        api.child.kill('SIGKILL');
    });
    const accepted = answers.filter(ok).map((a) => a.email);
    const unanswered = answers.filter((a) => !ok(a));
    expect(accepted.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(unanswered.length).toBeGreaterThan(0); // the kill landed mid-burst
    expect(unanswered.every((a) => a.status === 'no answer')).toBe(true); // nothing was refused, only cut off
    const storedAtKill = await env.ctx.db.subscriber.count();
    // No worker runs yet: every committed sign-up waits in the outbox.
    const waitingAtKill = await env.ctx.db.confirmationOutbox.count();

    // Every answered sign-up is in Postgres, pending, with its consent and a confirmation request.
    const stored = await env.ctx.db.subscriber.findMany({
      where: { email: { in: accepted } },
      select: {
        email: true,
        status: true,
        confirmRequestedAt: true,
        consents: { select: { action: true } },
        subscriptions: { select: { confirmedAt: true } },
      },
    });
    expect(stored.map((s) => s.email).sort()).toEqual([...accepted].sort());
    for (const s of stored) {
      expect(s).toMatchObject({
        status: 'pending',
        consents: [{ action: 'signup' }],
        subscriptions: [{ confirmedAt: null }],
      });
      expect(s.confirmRequestedAt).toBeInstanceOf(Date);
    }
    expect(waitingAtKill).toBe(storedAtKill);

    // A worker's outbox poller sends them.
    const worker = await spawnWorker(env.config);
    processes.push(worker);

    // Clients that got no answer try again, against a new API process.
    const again = await spawnPaperboy('serve', env.config, { ...LIMITS, PORT: String(port) });
    processes.push(again);
    const retried = await burst(
      port,
      unanswered.map((a) => a.email),
      () => {},
    );
    expect(retried.every(ok)).toBe(true);

    // Every stored subscriber - answered, cut off, retried - has exactly one confirmation email.
    const everyone = await env.ctx.db.subscriber.findMany({
      select: { id: true, email: true, confirmRequestedAt: true },
    });
    expect(everyone).toHaveLength(BURST);
    await waitUntil(
      async () =>
        (await env.ctx.db.subscriber.count({ where: { confirmSentAt: null } })) === 0 && sink.messages.length >= BURST,
      'every confirmation to be sent',
      90_000,
    );
    await new Promise((r) => setTimeout(r, 1000)); // room for a late duplicate to show up
    const byAddress = new Map<string, string[]>();
    for (const m of sink.messages) byAddress.set(m.to, [...(byAddress.get(m.to) ?? []), m.messageId]);
    expect(byAddress.size).toBe(BURST);
    const wrong = everyone.filter((s) => {
      const ids = byAddress.get(s.email!) ?? [];
      return ids.length !== 1 || ids[0] !== transactionalMessageId(env.config, 'confirm', s.id, s.confirmRequestedAt!);
    });
    expect(wrong.map((s) => ({ email: s.email, got: byAddress.get(s.email!) }))).toEqual([]);
    expect(sink.messages.every((m) => m.subject === 'Confirm your Paperboy subscription')).toBe(true);
    console.info(
      `API SIGKILL: ${accepted.length} answered 2xx, ${unanswered.length} cut off (${storedAtKill - accepted.length} of them stored anyway), ` +
        `${waitingAtKill} waiting in the outbox; ${BURST} confirmations, one each; scenario ${elapsed(started)}`,
    );
  });
});
