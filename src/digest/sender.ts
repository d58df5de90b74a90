// Sending one batch: claim its rows (status lock), render per content group,
// fill per subscriber, hand to SMTP, and record each outcome promptly so a
// crash re-sends at most the messages that were in flight.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import { logErrorsEvery, maskEmail } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { verpAddress } from '../mail/verp.js';
import { MailSendError, type MailTransport } from '../mail/transport.js';
import { digestViewLink, manageLinks } from '../subscriptions/links.js';
import type { Schedule } from '../subscriptions/schedule-text.js';
import { interestsOf } from '../subscriptions/interests.js';
import { deliverySections, parseLayout, type ContentReader } from './content.js';
import { createSendContentCache, type SendContent, type SendContentCache } from './send-content.js';
import {
  claimBatch,
  countUnfinished,
  findRecipients,
  finishDigestIfDone,
  renewLease,
  type ClaimedDelivery,
} from './delivery-repo.js';
import { createGroupCache, type GroupCache } from './group-cache.js';
import type { DigestRenderer } from './renderer.js';
import { createRecorder } from './recorder.js';
import { createLimiter, type Limiter } from './limiter.js';

export interface SendDeps {
  db: Db;
  config: Pick<
    Config,
    'publicUrl' | 'secretKey' | 'mailFrom' | 'unsubscribeMailto' | 'smtp' | 'digestLeaseSeconds' | 'deliverability'
  >;
  logger: Logger;
  mailer: MailTransport;
  metrics?: Metrics;
  renderer: DigestRenderer;
  cache?: GroupCache;
  /** Shared by the batches of a process (see send-content.ts); without it each batch loads its own. */
  contents?: SendContentCache;
  /** Shared by every batch of the process: how many messages may be built and in SMTP at once. */
  limiter?: Limiter;
}

export interface SendOptions {
  /** A claimed row untouched this long is taken back from a dead sender. */
  leaseSeconds?: number;
  /** Tries per delivery before a transient failure becomes final. */
  maxAttempts?: number;
  /** Hard bounces after which a subscriber is marked bounced. */
  bounceLimit?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_BOUNCE_LIMIT = 3;

/** Messages built and handed over at once: enough to keep every pooled connection busy. */
export function sendWindow(poolSize: number): number {
  return Math.max(4, poolSize * 2);
}

/** The batch is not finished: the job should fail and be retried with backoff. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
}

export interface BatchOutcome {
  claimed: number;
  sent: number;
  failed: number;
  skipped: number;
  retrying: number;
}

interface Recipient extends ContentReader {
  email: string | null;
  status: string;
  /** For the footer's "You get this email every day at 07:00 …". */
  schedule: Schedule;
  /** No digest sent to them yet: the email greets instead of saying "since your last digest". */
  first: boolean;
}

async function loadRecipients(db: Db, ids: number[]): Promise<Map<number, Recipient>> {
  const rows = await findRecipients(db, ids);
  return new Map(
    rows.map((r) => [
      r.id,
      {
        email: r.email,
        status: r.status,
        frequency: r.frequency,
        interests: interestsOf(r),
        schedule: { frequency: r.frequency, weekday: r.weekday, sendHour: r.sendHour, timezone: r.timezone },
        listIds: r.listIds,
        first: r.first,
      },
    ]),
  );
}

/** Runs `fn` over items with at most `limit` at once. */
async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}

export async function sendBatch(
  deps: SendDeps,
  digestId: number,
  batch: number,
  options: SendOptions = {},
): Promise<BatchOutcome> {
  const log = deps.logger.child({ module: 'digest-sender' });
  const leaseSeconds = options.leaseSeconds ?? deps.config.digestLeaseSeconds;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const cache = deps.cache ?? createGroupCache();
  const window = sendWindow(deps.config.smtp.poolSize);
  const limiter = deps.limiter ?? createLimiter(window);
  const outcome: BatchOutcome = { claimed: 0, sent: 0, failed: 0, skipped: 0, retrying: 0 };
  const recorder = createRecorder(deps.db, digestId, options.bounceLimit ?? DEFAULT_BOUNCE_LIMIT);
  const contents = deps.contents ?? createSendContentCache(0);
  let content: SendContent | undefined;
  const open = new Set<number>();
  const tried = new Set<number>();
  // Renew the lease while sending, so only a dead sender's rows are reclaimed.
  // A failed renewal is retried at the next beat; an outage is logged once a minute.
  const renewFailed = logErrorsEvery(log, 'digest_lease_renew_failed');
  const heartbeat = setInterval(
    () => void renewLease(deps.db, [...open]).catch(renewFailed),
    Math.max(250, (leaseSeconds * 1000) / 3),
  );
  heartbeat.unref();
  // Things change between planning and sending: such deliveries are skipped, with the reason.
  const skip = (row: ClaimedDelivery, reason: string) => {
    open.delete(row.id);
    recorder.skipped(row.id, reason);
    outcome.skipped++;
  };

  const sendOne = async (row: ClaimedDelivery, recipient: Recipient | undefined, content: SendContent) => {
    // Postgres stopped taking outcomes: every message sent now would be
    // sent again by the retry. The row stays claimed and is taken back after the lease.
    if (recorder.broken) {
      open.delete(row.id);
      return;
    }
    if (!recipient?.email) return skip(row, 'subscriber erased');
    if (recipient.status !== 'active') return skip(row, `subscriber ${recipient.status}`);
    if (!recipient.listIds.length) return skip(row, 'subscriber follows no list any more');
    const layout = parseLayout(row.layout);
    const moreCount = layout?.moreCount ?? 0;
    // What decides the content, as a key: sections are rebuilt only for a content not rendered yet.
    const source = `${digestId}|${recipient.first ? 'first|' : ''}${row.createdAt.getTime()}|${recipient.listIds.join(',')}|${recipient.frequency}|${JSON.stringify(recipient.interests)}|${layout ? JSON.stringify(row.layout) : row.paperIds.join(',')}`;
    const group = cache.get(source, () => {
      const { papers, lists, period } = content;
      const sections = deliverySections({
        matcher: content.matcherFor(row.createdAt, row.paperIds),
        papers,
        lists,
        reader: recipient,
        paperIds: row.paperIds,
        layout,
        asOf: row.createdAt,
      });
      return sections.length
        ? deps.renderer.renderGroup({ period, sections, papers, moreCount, first: recipient.first })
        : null;
    });
    if (!group) return skip(row, 'no papers left to send');
    const email = recipient.email;
    try {
      const result = await limiter.run(() => {
        const links = {
          ...manageLinks(deps.config, row.subscriberId!),
          view: digestViewLink(deps.config, row.subscriberId!, row.id),
        };
        const raw = deps.renderer.personalize(group, {
          to: email,
          subscriberId: row.subscriberId!,
          schedule: recipient.schedule,
          messageId: row.messageId,
          links,
        });
        // The envelope sender is the delivery's VERP address, so a late bounce finds its row.
        return deps.mailer.sendRaw(
          { from: verpAddress(deps.config, { kind: 'delivery', id: row.id }), to: email },
          raw,
          row.messageId,
        );
      });
      recorder.sent(row.id, result.response);
      outcome.sent++;
      deps.metrics?.emails.inc({ kind: 'digest', result: 'sent' });
    } catch (error) {
      const e = error instanceof MailSendError ? error : new MailSendError(String(error), 'transient');
      const final = e.kind === 'permanent' || row.attempts >= maxAttempts;
      if (final) {
        recorder.failed({ id: row.id, error: e.message, response: e.response ?? null, bounce: e.kind === 'permanent' });
        outcome.failed++;
        log.warn(
          {
            event: 'digest_delivery_failed',
            deliveryId: row.id,
            to: maskEmail(email),
            code: e.responseCode,
            kind: e.kind,
          },
          'delivery failed',
        );
      } else {
        recorder.retry(row.id, e.message);
        outcome.retrying++;
      }
      deps.metrics?.emails.inc({ kind: 'digest', result: final ? 'failed' : 'retry' });
    } finally {
      open.delete(row.id);
    }
  };

  try {
    // Claim a window's worth at a time, right before sending it.
    while (!recorder.broken) {
      const claimed = await claimBatch(deps.db, digestId, batch, leaseSeconds, { limit: window, exclude: [...tried] });
      if (!claimed.length) break;
      outcome.claimed += claimed.length;
      for (const row of claimed) {
        open.add(row.id);
        tried.add(row.id);
      }
      const batchContent = (content ??= await contents.get(deps.db, digestId, batch));
      const liked = claimed.flatMap((c) => parseLayout(c.layout)?.sections.flatMap((s) => s.liked ?? []) ?? []);
      const [recipients] = await Promise.all([
        loadRecipients(
          deps.db,
          claimed.flatMap((c) => (c.subscriberId ? [c.subscriberId] : [])),
        ),
        batchContent.addPapers([...claimed.flatMap((c) => c.paperIds), ...liked]),
      ]);
      await forEachLimited(claimed, window, (row) =>
        sendOne(row, row.subscriberId ? recipients.get(row.subscriberId) : undefined, batchContent),
      );
    }
    await recorder.close();
  } finally {
    clearInterval(heartbeat);
  }

  if (outcome.retrying)
    throw new RetryLaterError(`${outcome.retrying} deliveries of batch ${batch} failed transiently; retrying`);
  const unfinished = await countUnfinished(deps.db, digestId, batch);
  if (unfinished) throw new RetryLaterError(`${unfinished} deliveries of batch ${batch} are still held or pending`);
  await finishDigestIfDone(deps.db, digestId, { whenCountersSayDone: true });
  if (outcome.claimed)
    log.info({ event: 'digest_batch_sent', digestId, batch, ...outcome, renders: cache.renders }, 'batch sent');
  return outcome;
}
