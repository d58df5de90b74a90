// What the admin API, the view-in-browser page and the CLI call: trigger a
// period, read its status, preview a subscriber's digest, resend a delivery,
// render a sent delivery again.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import { enqueueDigestBatches, enqueueDigestPlan } from '../jobs/digest-queue.js';
import type { Queues } from '../jobs/queues.js';
import { digestViewLink, subscriberLinks } from '../subscriptions/links.js';
import { arrangeSections, loadLists, loadPapersById, loadWindowPapers, type ContentPaper } from './content.js';
import { ensureDigest, findDigest, type DigestRow } from './digest-repo.js';
import { createMatcher, type Section } from './matcher.js';
import { currentPeriod, isPeriod, periodLengthMs } from './period.js';
import { createDigestRenderer, loadDigestTemplate, type DigestRenderer, type RendererDeps } from './renderer.js';
import { buildDigestView, type DigestView } from './view-model.js';

export class DigestActionError extends Error {
  constructor(
    readonly code: 'not_found' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'DigestActionError';
  }
}

export type DigestStatus = Omit<DigestRow, never>;

type RendererConfig = Pick<Config, 'publicUrl' | 'mailFrom' | 'unsubscribeMailto'>;
const renderers = new Map<string, Promise<DigestRenderer>>();

/**
 * One renderer per process and sender identity; the MJML compile happens
 * once. `deps` (the feedback link) is taken by the first call for a config.
 */
export function getDigestRenderer(config: RendererConfig, deps: RendererDeps = {}): Promise<DigestRenderer> {
  const key = `${config.publicUrl}|${config.mailFrom}|${config.unsubscribeMailto}`;
  let renderer = renderers.get(key);
  if (!renderer) {
    renderer = loadDigestTemplate().then((template) => createDigestRenderer(template, config, deps));
    renderer.catch(() => renderers.delete(key));
    renderers.set(key, renderer);
  }
  return renderer;
}

/** 202-style: the Digest row now, planning and sending in the background. */
export async function triggerDigest(deps: { db: Db; queues: Pick<Queues, 'digestPlan'> }, period: string): Promise<DigestStatus> {
  if (!isPeriod(period)) throw new DigestActionError('invalid', 'date must be a real date as YYYY-MM-DD');
  const digest = await ensureDigest(deps.db, period);
  await enqueueDigestPlan(deps.queues, digest.id, period);
  return digest;
}

export async function getDigestStatus(db: Db, id: number): Promise<DigestStatus | null> {
  return findDigest(db, id);
}

/** Newest period first; `before` (a period) starts after the previous page's last one. */
export async function listDigests(db: Db, options: { limit?: number; before?: string } = {}): Promise<DigestStatus[]> {
  return db.$queryRawUnsafe<DigestStatus[]>(
    `SELECT id, period, status::text AS status, planned, sent, skipped, failed, "createdAt", "finishedAt"
     FROM "Digest" WHERE $2::text IS NULL OR period < $2 ORDER BY period DESC LIMIT $1`,
    Math.min(Math.max(options.limit ?? 50, 1), 501),
    options.before ?? null,
  );
}

export interface DigestPreview {
  subscriberId: number;
  period: string;
  /** Null when nothing matched: no email would go out. */
  subject: string | null;
  html: string | null;
  text: string | null;
  paperIds: number[];
  sections: Array<{ listId: number; name: string; papers: Array<{ id: number; title: string; reason: string }> }>;
}

function describe(sections: Section[], papers: Map<number, ContentPaper>): DigestPreview['sections'] {
  return sections.map((s) => ({
    listId: s.listId,
    name: s.name,
    papers: s.cards.map((c) => ({ id: c.paperId, title: papers.get(c.paperId)?.title ?? '', reason: c.reason })),
  }));
}

/**
 * The digest a subscriber would get now (or the one planned for `period`, if
 * it exists), rendered with their real links, without sending or writing.
 */
export async function previewDigest(
  deps: { db: Db; config: Pick<Config, 'publicUrl' | 'secretKey' | 'mailFrom' | 'unsubscribeMailto'> },
  subscriberId: number,
  period?: string,
): Promise<DigestPreview> {
  if (period !== undefined && !isPeriod(period)) throw new DigestActionError('invalid', 'period must be YYYY-MM-DD');
  const subscriber = await deps.db.subscriber.findUnique({
    where: { id: subscriberId },
    select: {
      id: true,
      timezone: true,
      frequency: true,
      weekday: true,
      sendHour: true,
      subscriptions: { where: { confirmedAt: { not: null } }, select: { listId: true } },
    },
  });
  if (!subscriber) throw new DigestActionError('not_found', 'subscriber not found');
  const thePeriod = period ?? currentPeriod(subscriber.timezone);
  const listIds = subscriber.subscriptions.map((s) => s.listId).sort((a, b) => a - b);
  const planned = await deps.db.delivery.findFirst({ where: { subscriberId, digest: { period: thePeriod } } });
  const first = !(await hasEarlierDigest(deps.db, subscriberId, planned?.id));
  const lists = await loadLists(deps.db);
  let sections: Section[];
  let papers: Map<number, ContentPaper>;
  if (planned) {
    papers = new Map((await loadPapersById(deps.db, planned.paperIds)).map((p) => [p.id, p]));
    sections = arrangeSections({ papers, lists, listIds, paperIds: planned.paperIds, asOf: planned.createdAt });
  } else {
    const now = new Date();
    const previous = await deps.db.delivery.findFirst({
      where: { subscriberId, status: { not: 'failed' } },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    });
    const start = previous?.createdAt ?? new Date(now.getTime() - periodLengthMs(subscriber.frequency));
    const found = await loadWindowPapers(deps.db, start, now);
    papers = new Map(found.map((p) => [p.id, p]));
    sections = createMatcher({ papers: found, lists, now }).match(listIds, { start, end: now });
  }
  const base = { subscriberId, period: thePeriod, paperIds: sections.flatMap((s) => s.cards.map((c) => c.paperId)), sections: describe(sections, papers) };
  if (!sections.length) return { ...base, subject: null, html: null, text: null };
  const renderer = await getDigestRenderer(deps.config);
  const group = renderer.renderGroup({ period: thePeriod, sections, papers, first });
  const links = subscriberLinks(deps.config, subscriberId);
  const view = planned ? digestViewLink(deps.config, subscriberId, planned.id) : links.preferences;
  return { ...base, ...renderer.fillLinks(group, { view, preferences: links.preferences, unsubscribe: links.unsubscribe }, { subscriberId, schedule: subscriber }) };
}

/** Has the subscriber been sent a digest before this delivery (or at all)? */
async function hasEarlierDigest(db: Db, subscriberId: number, deliveryId?: number): Promise<boolean> {
  const earlier = await db.delivery.findFirst({
    where: { subscriberId, status: 'sent', ...(deliveryId === undefined ? {} : { id: { lt: deliveryId } }) },
    select: { id: true },
  });
  return earlier !== null;
}

export interface DeliveryView {
  period: string;
  view: DigestView;
  links: { preferences: string; unsubscribe: string };
}

/**
 * A delivery as its subscriber received it, every planned paper included
 * (the email may have left some to this page), for GET /digests/:id. Null
 * when it is not theirs or has nothing.
 */
export async function loadDeliveryView(
  deps: { db: Db; config: Pick<Config, 'publicUrl' | 'secretKey' | 'mailFrom' | 'unsubscribeMailto'> },
  deliveryId: number,
  subscriberId: number,
): Promise<DeliveryView | null> {
  const delivery = await deps.db.delivery.findUnique({ where: { id: deliveryId }, include: { digest: { select: { period: true } } } });
  if (!delivery || delivery.subscriberId !== subscriberId || !delivery.paperIds.length) return null;
  const subscriber = await deps.db.subscriber.findUnique({
    where: { id: subscriberId },
    select: { subscriptions: { where: { confirmedAt: { not: null } }, select: { listId: true } } },
  });
  if (!subscriber) return null;
  const [lists, found] = await Promise.all([loadLists(deps.db), loadPapersById(deps.db, delivery.paperIds)]);
  const papers = new Map(found.map((p) => [p.id, p]));
  const listIds = subscriber.subscriptions.map((s) => s.listId).sort((a, b) => a - b);
  const sections = arrangeSections({ papers, lists, listIds, paperIds: delivery.paperIds, asOf: delivery.createdAt });
  if (!sections.length) return null;
  const first = !(await hasEarlierDigest(deps.db, subscriberId, deliveryId));
  const view = buildDigestView({ period: delivery.digest.period, sections, papers, first, publicUrl: deps.config.publicUrl });
  const links = subscriberLinks(deps.config, subscriberId);
  return { period: delivery.digest.period, view, links: { preferences: links.preferences, unsubscribe: links.unsubscribe } };
}

/**
 * Sends a failed delivery again (same Message-ID). A sent delivery is never
 * sent twice: that is a conflict, not a resend.
 */
export async function resendDelivery(
  deps: { db: Db; queues: Pick<Queues, 'digestSend'>; config: Pick<Config, 'digestRetryDelayMs'> },
  deliveryId: number,
): Promise<{ id: number; digestId: number; batch: number; status: 'pending' }> {
  const delivery = await deps.db.delivery.findUnique({ where: { id: deliveryId }, select: { id: true, digestId: true, batch: true, status: true, paperIds: true } });
  if (!delivery) throw new DigestActionError('not_found', 'delivery not found');
  if (delivery.status !== 'failed') throw new DigestActionError('conflict', `delivery is ${delivery.status}; only a failed delivery can be resent`);
  if (!delivery.paperIds.length) throw new DigestActionError('conflict', 'delivery has no papers');
  const moved = await deps.db.$executeRawUnsafe(
    `WITH moved AS (
       UPDATE "Delivery" SET status = 'pending', attempts = 0, "lastError" = NULL, "updatedAt" = now()
       WHERE id = $1 AND status = 'failed' RETURNING "digestId")
     UPDATE "Digest" g SET failed = g.failed - 1, status = 'sending', "finishedAt" = NULL, "updatedAt" = now()
     FROM moved WHERE g.id = moved."digestId"`,
    deliveryId,
  );
  if (!moved) throw new DigestActionError('conflict', 'delivery changed meanwhile; try again');
  // Its own job id: the batch's job may have completed long ago.
  await enqueueDigestBatches(deps.queues, deps.config, delivery.digestId, [delivery.batch], `-resend-${deliveryId}-${Date.now()}`);
  return { id: delivery.id, digestId: delivery.digestId, batch: delivery.batch, status: 'pending' };
}
