// What the admin API, the view-in-browser page and the CLI call: trigger a
// period, read its status, preview a subscriber's digest, resend a delivery,
// render a sent delivery again.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import { findPinnedPaperIds } from '../papers/pinning.js';
import { digestViewLink, feedbackUrl, subscriberLinks } from '../subscriptions/links.js';
import { INTEREST_FIELDS, interestsOf } from '../subscriptions/interests.js';
import {
  deliverySections,
  loadLists,
  loadPapersById,
  loadWindowPapers,
  parseLayout,
  type ContentPaper,
} from './content.js';
import { requeueFailedDelivery } from './delivery-repo.js';
import { ensureDigest, findDigest, findDigestsBefore, type DigestRow } from './digest-repo.js';
import { createMatcher } from './matcher.js';
import { currentPeriod, isPeriod } from './period.js';
import { findSentPaperIds } from './plan-repo.js';
import type { DigestQueue, PlanRun } from './queue-port.js';
import { LOOKBACK_DAYS } from './ranking.js';
import { MORE_KEY, planReader, type DeliveryLayout, type Section } from './reader-digest.js';
import { createDigestRenderer, loadDigestTemplate, type DigestRenderer, type FeedbackVote } from './renderer.js';
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

type RendererConfig = Pick<Config, 'publicUrl' | 'mailFrom' | 'unsubscribeMailto' | 'secretKey'>;
const renderers = new Map<string, Promise<DigestRenderer>>();

/**
 * One renderer per process and sender identity; the MJML compile happens
 * once. Every card carries its signed "more / less like this" links: the
 * renderer is built with them here, so no caller (sending, preview) can
 * get one without.
 */
export function getDigestRenderer(config: RendererConfig): Promise<DigestRenderer> {
  const key = `${config.publicUrl}|${config.mailFrom}|${config.unsubscribeMailto}|${config.secretKey}`;
  let renderer = renderers.get(key);
  if (!renderer) {
    const deps = { feedbackUrl: (vote: FeedbackVote) => feedbackUrl(config, vote) };
    renderer = loadDigestTemplate().then((template) => createDigestRenderer(template, config, deps));
    renderer.catch(() => renderers.delete(key));
    renderers.set(key, renderer);
  }
  return renderer;
}

/** The period's digest as it stands, and the planning run this trigger started (or joined). */
export async function triggerDigest(
  deps: { db: Db; digestQueue: Pick<DigestQueue, 'enqueuePlan'> },
  period: string,
): Promise<DigestStatus & { run: PlanRun }> {
  if (!isPeriod(period)) throw new DigestActionError('invalid', 'period must be a real date as YYYY-MM-DD');
  const digest = await ensureDigest(deps.db, period);
  const run = await deps.digestQueue.enqueuePlan(digest.id, period);
  return { ...digest, run };
}

export async function getDigestStatus(db: Db, id: number): Promise<DigestStatus | null> {
  return findDigest(db, id);
}

/** Newest period first; `before` (a period) starts after the previous page's last one. */
export async function listDigests(db: Db, options: { limit?: number; before?: string } = {}): Promise<DigestStatus[]> {
  return findDigestsBefore(db, Math.min(Math.max(options.limit ?? 50, 1), 501), options.before ?? null);
}

export interface DigestPreview {
  subscriberId: number;
  period: string;
  /** Null when nothing matched: no email would go out. */
  subject: string | null;
  html: string | null;
  text: string | null;
  paperIds: number[];
  sections: Array<{
    listId: number | null;
    kind: Section['kind'] | 'more';
    name: string;
    papers: Array<{ id: number; title: string; reason: string }>;
  }>;
  /** Matches beyond the subscriber's papersPerEmail. */
  moreCount: number;
}

function describe(sections: Section[], papers: Map<number, ContentPaper>): DigestPreview['sections'] {
  return sections.map((s) => ({
    listId: s.listId,
    kind: s.kind,
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
      papersPerEmail: true,
      ...INTEREST_FIELDS,
      subscriptions: { where: { confirmedAt: { not: null } }, select: { listId: true } },
    },
  });
  if (!subscriber) throw new DigestActionError('not_found', 'subscriber not found');
  const thePeriod = period ?? currentPeriod(subscriber.timezone);
  const reader = {
    listIds: subscriber.subscriptions.map((s) => s.listId).sort((a, b) => a - b),
    interests: interestsOf(subscriber),
    frequency: subscriber.frequency,
  };
  const planned = await deps.db.delivery.findFirst({ where: { subscriberId, digest: { period: thePeriod } } });
  const first = !(await hasEarlierDigest(deps.db, subscriberId, planned?.id));
  const lists = await loadLists(deps.db);
  let sections: Section[];
  let papers: Map<number, ContentPaper>;
  let moreCount: number;
  if (planned) {
    const layout = parseLayout(planned.layout);
    papers = new Map(
      (await loadPapersById(deps.db, [...planned.paperIds, ...layoutExtras(layout)])).map((p) => [p.id, p]),
    );
    sections = deliverySections({ papers, lists, reader, paperIds: planned.paperIds, layout, asOf: planned.createdAt });
    moreCount = layout?.moreCount ?? 0;
  } else {
    // What planning would choose now: the same eligibility (papers sent within the lookback) and ranking.
    const now = new Date();
    const since = new Date(now.getTime() - LOOKBACK_DAYS[subscriber.frequency] * 86_400_000);
    const [found, sent, pinned] = await Promise.all([
      loadWindowPapers(deps.db, since, now),
      findSentPaperIds(deps.db, subscriberId, since),
      findPinnedPaperIds(deps.db, now),
    ]);
    papers = new Map(found.map((p) => [p.id, p]));
    const plan = planReader(createMatcher({ papers: found, now }), new Map(lists.map((l) => [l.id, l])), {
      ...reader,
      papersPerEmail: subscriber.papersPerEmail,
      sent: new Set(sent),
      pinned,
    });
    sections = plan.sections;
    moreCount = plan.layout.moreCount;
  }
  const base = {
    subscriberId,
    period: thePeriod,
    paperIds: sections.flatMap((s) => s.cards.map((c) => c.paperId)),
    sections: describe(sections, papers),
    moreCount,
  };
  if (!sections.length) return { ...base, subject: null, html: null, text: null };
  const renderer = await getDigestRenderer(deps.config);
  const group = renderer.renderGroup({ period: thePeriod, sections, papers, moreCount, first });
  const links = subscriberLinks(deps.config, subscriberId);
  const view = planned ? digestViewLink(deps.config, subscriberId, planned.id) : links.preferences;
  return {
    ...base,
    ...renderer.fillLinks(
      group,
      { view, preferences: links.preferences, unsubscribe: links.unsubscribe },
      { subscriberId, schedule: subscriber },
    ),
  };
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
  const delivery = await deps.db.delivery.findUnique({
    where: { id: deliveryId },
    include: { digest: { select: { period: true } } },
  });
  if (!delivery || delivery.subscriberId !== subscriberId || !delivery.paperIds.length) return null;
  const subscriber = await deps.db.subscriber.findUnique({
    where: { id: subscriberId },
    select: {
      frequency: true,
      ...INTEREST_FIELDS,
      subscriptions: { where: { confirmedAt: { not: null } }, select: { listId: true } },
    },
  });
  if (!subscriber) return null;
  const layout = parseLayout(delivery.layout);
  const [lists, found] = await Promise.all([
    loadLists(deps.db),
    loadPapersById(deps.db, [...delivery.paperIds, ...layoutExtras(layout)]),
  ]);
  const papers = new Map(found.map((p) => [p.id, p]));
  const reader = {
    listIds: subscriber.subscriptions.map((s) => s.listId).sort((a, b) => a - b),
    interests: interestsOf(subscriber),
    frequency: subscriber.frequency,
  };
  const sections = deliverySections({
    papers,
    lists,
    reader,
    paperIds: delivery.paperIds,
    layout,
    asOf: delivery.createdAt,
  });
  if (!sections.length) return null;
  // The web view shows every match, also those beyond the email's papersPerEmail.
  const more = (layout?.moreIds ?? []).filter((id) => papers.get(id) && !papers.get(id)!.hidden);
  if (more.length) sections.push(moreSection(more));
  const first = !(await hasEarlierDigest(deps.db, subscriberId, deliveryId));
  const view = buildDigestView({
    period: delivery.digest.period,
    sections,
    papers,
    first,
    publicUrl: deps.config.publicUrl,
  });
  const links = subscriberLinks(deps.config, subscriberId);
  return {
    period: delivery.digest.period,
    view,
    links: { preferences: links.preferences, unsubscribe: links.unsubscribe },
  };
}

/** Papers a layout names besides the email's own: liked papers (for reasons) and the matches beyond the cap. */
function layoutExtras(layout: DeliveryLayout | null): number[] {
  return layout ? [...layout.moreIds, ...layout.sections.flatMap((s) => s.liked ?? []).filter(Boolean)] : [];
}

function moreSection(ids: number[]): Section {
  const cards = ids.map((paperId) => ({
    paperId,
    sectionKey: MORE_KEY,
    why: [],
    matched: [],
    alsoIn: [],
    reason: 'Matched, beyond the papers your email holds',
    score: 0,
    relevance: 0,
  }));
  return { key: MORE_KEY, kind: 'more', listId: null, name: 'More matches', cards };
}

/**
 * Sends a failed delivery again (same Message-ID). A sent delivery is never
 * sent twice: that is a conflict, not a resend.
 */
export async function resendDelivery(
  deps: { db: Db; digestQueue: Pick<DigestQueue, 'resendBatch'> },
  deliveryId: number,
): Promise<{ id: number; digestId: number; batch: number; status: 'pending' }> {
  const delivery = await deps.db.delivery.findUnique({
    where: { id: deliveryId },
    select: { id: true, digestId: true, batch: true, status: true, paperIds: true },
  });
  if (!delivery) throw new DigestActionError('not_found', 'delivery not found');
  if (delivery.status !== 'failed')
    throw new DigestActionError('conflict', `delivery is ${delivery.status}; only a failed delivery can be resent`);
  if (!delivery.paperIds.length) throw new DigestActionError('conflict', 'delivery has no papers');
  const moved = await requeueFailedDelivery(deps.db, deliveryId);
  if (!moved) throw new DigestActionError('conflict', 'delivery changed meanwhile; try again');
  await deps.digestQueue.resendBatch(delivery.digestId, delivery.batch, deliveryId);
  return { id: delivery.id, digestId: delivery.digestId, batch: delivery.batch, status: 'pending' };
}
