// "Nothing lost, nothing doubled": the check every fault scenario ends with,
// against Postgres and the SMTP sink together.
import { expect } from 'vitest';
import type { Db } from '../../src/db.js';
import type { SinkMessage } from './fault-sink.js';

export interface DigestOutcomeCheck {
  db: Db;
  digestId: number;
  /** Every subscriber due for the period: each must end with exactly one delivery. */
  subscriberIds: number[];
  messages: SinkMessage[];
  /** Delivery ids that were claimed ('sending') when the fault hit: the only ones that may repeat. */
  inFlight: Set<number>;
  /** Final statuses this scenario accepts (default: sent only). */
  statuses?: Array<'sent' | 'failed'>;
}

export interface DigestOutcome {
  sent: number;
  failed: number;
  messages: number;
  repeats: number;
  inFlight: number;
}

export async function expectNothingLostNothingDoubled(check: DigestOutcomeCheck): Promise<DigestOutcome> {
  const allowed = new Set<string>(check.statuses ?? ['sent']);
  const rows = await check.db.delivery.findMany({
    where: { digestId: check.digestId },
    select: {
      id: true,
      subscriberId: true,
      status: true,
      messageId: true,
      attempts: true,
      lastError: true,
      subscriber: { select: { email: true } },
    },
  });

  // Postgres: one delivery per due subscriber (none missing, none extra, none twice), each finished.
  const bySubscriber = new Map<number, number>();
  for (const row of rows) bySubscriber.set(row.subscriberId ?? -1, (bySubscriber.get(row.subscriberId ?? -1) ?? 0) + 1);
  expect([...bySubscriber.keys()].sort((a, b) => a - b)).toEqual([...check.subscriberIds].sort((a, b) => a - b));
  expect([...bySubscriber.values()].every((n) => n === 1)).toBe(true);
  const unfinished = rows.filter((r) => !allowed.has(r.status));
  expect(unfinished.map((r) => ({ id: r.id, status: r.status, lastError: r.lastError }))).toEqual([]);
  const failedWithoutReason = rows.filter((r) => r.status === 'failed' && !r.lastError?.trim());
  expect(failedWithoutReason.map((r) => r.id)).toEqual([]);

  // The sink: nothing it got is unknown to Postgres; each recipient saw one Message-ID, their delivery's.
  const byMessageId = new Map(rows.map((r) => [r.messageId, r]));
  const strangers = check.messages.filter(
    (m) => !byMessageId.has(m.messageId) || byMessageId.get(m.messageId)!.subscriber?.email !== m.to,
  );
  expect(strangers.slice(0, 5)).toEqual([]);
  const seen = new Map<string, number>();
  for (const m of check.messages) seen.set(m.messageId, (seen.get(m.messageId) ?? 0) + 1);
  const idsByRecipient = new Map<string, Set<string>>();
  for (const m of check.messages) idsByRecipient.set(m.to, (idsByRecipient.get(m.to) ?? new Set()).add(m.messageId));
  expect([...idsByRecipient.values()].filter((ids) => ids.size !== 1)).toEqual([]);
  const sent = rows.filter((r) => r.status === 'sent');
  const missing = sent.filter((r) => !seen.has(r.messageId));
  expect(missing.map((r) => r.id)).toEqual([]);

  // Repeats only where a fault caught the message in flight, and never more
  // often than the row was claimed (each claim hands it to SMTP at most once).
  const repeated = rows.filter((r) => (seen.get(r.messageId) ?? 0) > 1);
  expect(repeated.filter((r) => !check.inFlight.has(r.id)).map((r) => r.id)).toEqual([]);
  expect(repeated.filter((r) => seen.get(r.messageId)! > r.attempts).map((r) => r.id)).toEqual([]);
  const repeats = check.messages.length - seen.size;
  expect(repeats).toBeLessThanOrEqual(check.inFlight.size);

  // The Digest row agrees with its rows.
  const failed = rows.filter((r) => r.status === 'failed').length;
  const digest = await check.db.digest.findUniqueOrThrow({ where: { id: check.digestId } });
  expect(digest).toMatchObject({ status: 'done', planned: rows.length, sent: sent.length, failed, skipped: 0 });
  return { sent: sent.length, failed, messages: check.messages.length, repeats, inFlight: check.inFlight.size };
}

/** Ids of the deliveries claimed right now: what a fault at this instant catches in flight. */
export async function snapshotInFlight(db: Db, digestId: number): Promise<Set<number>> {
  const rows = await db.delivery.findMany({ where: { digestId, status: 'sending' }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}
