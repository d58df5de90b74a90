// Planning: one Delivery row per due subscriber for a period, with its papers
// chosen now, in batches sorted by content group. Everything is written in
// one transaction under a per-digest lock; the caller enqueues the batches
// after commit (a crash in between leaves pending rows that the repair sweep
// finds).
import { createHmac } from 'node:crypto';
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import { contentKey, loadLists, loadWindowPapers } from './content.js';
import {
  addPlanned,
  databaseNow,
  ensureDigest,
  findDueSubscribers,
  insertDeliveries,
  lockDigest,
  nextBatchNumber,
  type DueFilter,
  type DueSubscriber,
  type NewDelivery,
} from './digest-repo.js';
import { finishDigestIfDone } from './delivery-repo.js';
import { createMatcher, sectionPaperIds } from './matcher.js';
import { periodLengthMs, periodWeekday, type TimezoneSlot } from './period.js';

export interface PlanDeps {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'secretKey' | 'digestBatchSize'>;
  logger: Logger;
}

export interface PlanOptions {
  /** 'all': every daily subscriber (and weekly ones on the period's weekday); else the tick's zones. */
  due: { kind: 'all' } | { kind: 'slots'; slots: TimezoneSlot[] };
  /** Window end; defaults to the database clock. */
  now?: Date;
  batchSize?: number;
  /** Compute only: nothing is written. */
  dryRun?: boolean;
}

export interface PlanResult {
  digestId: number;
  period: string;
  /** Window end of this run; its deliveries share it as createdAt. */
  asOf: Date;
  planned: number;
  pending: number;
  skipped: number;
  groups: number;
  batches: number[];
}

/** A longer absence still starts at most this far back. */
const MAX_WINDOW_MS = 31 * 24 * 3600 * 1000;

/** Deterministic per (digest, subscriber): a resend after a crash carries the same id. */
export function digestMessageId(config: Pick<Config, 'publicUrl' | 'secretKey'>, digestId: number, subscriberId: number): string {
  const tag = createHmac('sha256', config.secretKey).update(`message-id:${digestId}:${subscriberId}`).digest('base64url').slice(0, 12);
  return `<digest-${digestId}.s${subscriberId}.${tag}@${new URL(config.publicUrl).hostname}>`;
}

function windowStart(sub: DueSubscriber, asOf: Date): Date {
  const fallback = asOf.getTime() - periodLengthMs(sub.frequency);
  const start = sub.previousAt ? Math.min(sub.previousAt.getTime(), asOf.getTime()) : fallback;
  return new Date(Math.max(start, asOf.getTime() - MAX_WINDOW_MS));
}

/** Plans a period; safe to run twice or concurrently (ON CONFLICT + advisory lock). */
export async function planPeriod(deps: PlanDeps, period: string, options: PlanOptions): Promise<PlanResult> {
  const log = deps.logger.child({ module: 'digest-planner' });
  const batchSize = options.batchSize ?? deps.config.digestBatchSize;
  const started = Date.now();
  const filter: DueFilter =
    options.due.kind === 'all'
      ? { kind: 'all', weekday: periodWeekday(period) }
      : {
          kind: 'slots',
          timezones: options.due.slots.map((s) => s.timezone),
          hours: options.due.slots.map((s) => s.hour),
          weekdays: options.due.slots.map((s) => s.weekday),
        };

  const result = await deps.db.$transaction(
    async (tx) => {
      const digest = await ensureDigest(tx, period);
      await lockDigest(tx, digest.id);
      const asOf = options.now ?? (await databaseNow(tx));
      const due = await findDueSubscribers(tx, digest.id, filter);
      const empty: PlanResult = { digestId: digest.id, period, asOf, planned: 0, pending: 0, skipped: 0, groups: 0, batches: [] };
      if (!due.length) return empty;

      const starts = due.map((s) => windowStart(s, asOf).getTime());
      const [lists, papers] = await Promise.all([loadLists(deps.db), loadWindowPapers(deps.db, new Date(starts.reduce((a, b) => Math.min(a, b))), asOf)]);
      const matcher = createMatcher({ papers, lists, now: asOf });

      // Subscribers with the same lists and window get the same papers: match once per window group.
      const byWindow = new Map<string, { paperIds: number[]; key: string }>();
      const rows: Array<NewDelivery & { key: string }> = [];
      due.forEach((sub, i) => {
        const start = starts[i]!;
        const windowKey = `${sub.listIds.join(',')}|${start}`;
        let content = byWindow.get(windowKey);
        if (!content) {
          const paperIds = sectionPaperIds(matcher.match(sub.listIds, { start: new Date(start), end: asOf }));
          content = { paperIds, key: contentKey(sub.listIds, paperIds) };
          byWindow.set(windowKey, content);
        }
        const pending = content.paperIds.length > 0;
        rows.push({
          subscriberId: sub.id,
          status: pending ? 'pending' : 'skipped',
          batch: 0,
          messageId: digestMessageId(deps.config, digest.id, sub.id),
          paperIds: content.paperIds,
          lastError: pending ? null : 'no matching papers',
          key: content.key,
        });
      });

      // Batches follow content groups, so a batch renders one or two bodies.
      const pendingRows = rows.filter((r) => r.status === 'pending').sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const firstBatch = await nextBatchNumber(tx, digest.id);
      pendingRows.forEach((row, i) => {
        row.batch = firstBatch + Math.floor(i / batchSize);
      });
      const groups = new Set(pendingRows.map((r) => r.key)).size;
      if (options.dryRun) {
        const batches = [...new Set(pendingRows.map((r) => r.batch))];
        return { ...empty, planned: rows.length, pending: pendingRows.length, skipped: rows.length - pendingRows.length, groups, batches };
      }

      const inserted = await insertDeliveries(tx, digest.id, asOf, [...pendingRows, ...rows.filter((r) => r.status === 'skipped')]);
      const insertedPending = inserted.filter((r) => r.status === 'pending');
      await addPlanned(tx, digest.id, inserted.length, inserted.length - insertedPending.length, insertedPending.length > 0);
      const batches = [...new Set(insertedPending.map((r) => r.batch))].sort((a, b) => a - b);
      return {
        ...empty,
        planned: inserted.length,
        pending: insertedPending.length,
        skipped: inserted.length - insertedPending.length,
        groups,
        batches,
      };
    },
    { timeout: 10 * 60_000, maxWait: 30_000 },
  );

  if (!options.dryRun) {
    // Moves planning → sending or done even when this run added nothing.
    if (!result.pending) await finishOrSend(deps.db, result.digestId);
    log.info(
      {
        event: 'digest_planned',
        digestId: result.digestId,
        period,
        planned: result.planned,
        pending: result.pending,
        skipped: result.skipped,
        groups: result.groups,
        batches: result.batches.length,
        ms: Date.now() - started,
      },
      'digest planned',
    );
  }
  return result;
}

async function finishOrSend(db: Db, digestId: number): Promise<void> {
  // A digest left in 'planning' with nothing open is done; one with open rows is sending.
  await db.$executeRawUnsafe(
    `UPDATE "Digest" SET status = 'sending', "updatedAt" = now() WHERE id = $1 AND status = 'planning'`,
    digestId,
  );
  await finishDigestIfDone(db, digestId);
}
