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
  type InsertedDelivery,
  type NewDelivery,
  type Sql,
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

const DUE_PAGE = 10_000;
const INSERT_CHUNK = 5_000;

interface DueSet {
  ids: number[];
  /** Index into windows, per subscriber. */
  window: number[];
  /** Distinct (lists, window start) pairs; list arrays are shared, not copied per subscriber. */
  windows: Array<{ listIds: number[]; start: number }>;
  earliest: number;
}

/** Due subscribers, read a page at a time into compact arrays. */
async function collectDue(tx: Sql, digestId: number, filter: DueFilter, asOf: Date): Promise<DueSet> {
  const set: DueSet = { ids: [], window: [], windows: [], earliest: asOf.getTime() };
  const windowIndex = new Map<string, number>();
  for (let afterId = 0; ; ) {
    const page = await findDueSubscribers(tx, digestId, filter, { afterId, limit: DUE_PAGE });
    for (const sub of page) {
      const start = windowStart(sub, asOf).getTime();
      const key = `${sub.listIds.join(',')}|${start}`;
      let index = windowIndex.get(key);
      if (index === undefined) {
        index = set.windows.push({ listIds: sub.listIds, start }) - 1;
        windowIndex.set(key, index);
        set.earliest = Math.min(set.earliest, start);
      }
      set.ids.push(sub.id);
      set.window.push(index);
    }
    if (page.length < DUE_PAGE) return set;
    afterId = page[page.length - 1]!.id;
  }
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
      const empty: PlanResult = { digestId: digest.id, period, asOf, planned: 0, pending: 0, skipped: 0, groups: 0, batches: [] };
      const due = await collectDue(tx, digest.id, filter, asOf);
      if (!due.ids.length) return empty;

      const [lists, papers] = await Promise.all([loadLists(deps.db), loadWindowPapers(deps.db, new Date(due.earliest), asOf)]);
      const matcher = createMatcher({ papers, lists, now: asOf });
      // Subscribers with the same lists and window get the same papers: match once per window group.
      const contents = due.windows.map((w) => {
        const paperIds = sectionPaperIds(matcher.match(w.listIds, { start: new Date(w.start), end: asOf }));
        return { paperIds, key: contentKey(w.listIds, paperIds), papers: `{${paperIds.join(',')}}` };
      });
      // Batches follow content groups, so a batch renders one or two bodies.
      const order = due.ids.map((_, i) => i).filter((i) => contents[due.window[i]!]!.paperIds.length > 0);
      order.sort((a, b) => {
        const ka = contents[due.window[a]!]!.key;
        const kb = contents[due.window[b]!]!.key;
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      });
      const skippedRows = due.ids.length - order.length;
      const groups = new Set(order.map((i) => contents[due.window[i]!]!.key)).size;
      const firstBatch = await nextBatchNumber(tx, digest.id);
      if (options.dryRun) {
        const batchCount = Math.ceil(order.length / batchSize);
        const batches = Array.from({ length: batchCount }, (_, i) => firstBatch + i);
        return { ...empty, planned: due.ids.length, pending: order.length, skipped: skippedRows, groups, batches };
      }

      const toRow = (i: number, batch: number): NewDelivery => {
        const content = contents[due.window[i]!]!;
        return {
          subscriberId: due.ids[i]!,
          status: content.paperIds.length ? 'pending' : 'skipped',
          batch,
          messageId: digestMessageId(deps.config, digest.id, due.ids[i]!),
          paperIds: content.paperIds,
          lastError: content.paperIds.length ? null : 'no matching papers',
        };
      };
      const inserted: InsertedDelivery[] = [];
      // Rows are built per chunk: 100,000 deliveries never sit in memory at once.
      for (let from = 0; from < order.length; from += INSERT_CHUNK) {
        const chunk = order.slice(from, from + INSERT_CHUNK).map((i, k) => toRow(i, firstBatch + Math.floor((from + k) / batchSize)));
        inserted.push(...(await insertDeliveries(tx, digest.id, asOf, chunk)));
      }
      const skippedIdx = due.ids.map((_, i) => i).filter((i) => !contents[due.window[i]!]!.paperIds.length);
      for (let from = 0; from < skippedIdx.length; from += INSERT_CHUNK) {
        inserted.push(...(await insertDeliveries(tx, digest.id, asOf, skippedIdx.slice(from, from + INSERT_CHUNK).map((i) => toRow(i, 0)))));
      }
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
