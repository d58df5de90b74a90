// Prisma calls for subscribers, their subscriptions and consent records.
// Functions take a client so they run inside or outside a transaction.
import { sqlPool, type Db } from '../db.js';
import type { List, Prisma, Subscriber } from '../generated/prisma/client.js';

export type DbClient = Db | Prisma.TransactionClient;

export interface ConsentEvidence {
  /** signup | confirm | import | admin | preferences | unsubscribe */
  action: string;
  ip?: string | null;
  userAgent?: string | null;
  formVersion?: string | null;
}

const MAX_USER_AGENT = 500;

export async function findListsBySlugs(db: DbClient, slugs: string[]): Promise<List[]> {
  if (!slugs.length) return [];
  return db.list.findMany({ where: { slug: { in: slugs } }, orderBy: { id: 'asc' } });
}

/** The lists a reader may pick on the landing page, Trending first. */
export async function findPublicLists(db: DbClient): Promise<List[]> {
  return db.list.findMany({ where: { public: true }, orderBy: [{ id: 'asc' }] });
}

export interface NewSubscriberRequest {
  email: string;
  status: 'pending' | 'active';
  timezone: string;
  sendHour: number;
  frequency: 'daily' | 'weekly';
  weekday: number;
  /** Distinct list slugs; all must exist (and be public when publicOnly). */
  slugs: string[];
  publicOnly: boolean;
  evidence: ConsentEvidence;
  now: Date;
}

export type NewSubscriberOutcome =
  | { kind: 'created'; id: number }
  | { kind: 'exists' }
  | { kind: 'unknown_lists' };

// Positional parameters: $1 slugs, $2 public only, $3 number of slugs,
// $4-$9 the subscriber, $10 confirmation requested at, $11 confirmed at,
// $12 now, $13-$16 the consent evidence. Times travel as ISO strings and are
// stored as UTC, like Prisma stores them, whatever the session's time zone.
const INSERT_SUBSCRIBER_IF_NEW = `
  WITH wanted AS (
    SELECT id, slug FROM "List" WHERE slug = ANY($1::text[]) AND (public OR NOT $2::boolean)
  ), found AS (
    SELECT count(*) = $3::int AS "allFound", coalesce(array_agg(slug ORDER BY id), '{}') AS lists FROM wanted
  ), created AS (
    INSERT INTO "Subscriber" (email, status, timezone, "sendHour", frequency, weekday, "confirmRequestedAt", "confirmedAt", "createdAt", "updatedAt")
    SELECT $4::text, $5::"SubscriberStatus", $6::text, $7::int, $8::"Frequency", $9::int,
           $10::timestamptz AT TIME ZONE 'UTC', $11::timestamptz AT TIME ZONE 'UTC',
           $12::timestamptz AT TIME ZONE 'UTC', $12::timestamptz AT TIME ZONE 'UTC'
    FROM found WHERE found."allFound"
    ON CONFLICT (email) DO NOTHING
    RETURNING id
  ), subscriptions AS (
    INSERT INTO "Subscription" ("subscriberId", "listId", "createdAt", "confirmedAt")
    SELECT created.id, wanted.id, $12::timestamptz AT TIME ZONE 'UTC', $11::timestamptz AT TIME ZONE 'UTC'
    FROM created CROSS JOIN wanted
  ), consent AS (
    INSERT INTO "ConsentRecord" ("subscriberId", action, ip, "userAgent", lists, "formVersion", "createdAt")
    SELECT created.id, $13::text, $14::text, $15::text, found.lists, $16::text, $12::timestamptz AT TIME ZONE 'UTC'
    FROM created CROSS JOIN found
  )
  SELECT (SELECT id FROM created) AS id, found."allFound" FROM found`;

/**
 * The first sign-up of an address in ONE statement (one round trip, atomic
 * on its own): resolve the lists, insert the subscriber unless the address
 * exists, then its subscriptions and consent record. A pending subscriber is
 * inserted with its confirmation already requested. Nothing is written when
 * a list is missing; an existing address (ON CONFLICT, which also waits for
 * a racing insert of the same address to commit) is left to the caller's
 * locked path. Raw SQL because Prisma cannot chain inserts in one statement;
 * sent straight to the pg pool, as a named prepared statement (parsed and
 * planned once per connection), because at sign-up rates Prisma's own
 * per-query work and re-planning cost more CPU than the inserts.
 */
export async function insertSubscriberIfNew(db: DbClient, r: NewSubscriberRequest): Promise<NewSubscriberOutcome> {
  const active = r.status === 'active';
  const now = r.now.toISOString();
  const params = [
    r.slugs,
    r.publicOnly,
    r.slugs.length,
    r.email,
    r.status,
    r.timezone,
    r.sendHour,
    r.frequency,
    r.weekday,
    active ? null : now,
    active ? now : null,
    now,
    r.evidence.action,
    r.evidence.ip ?? null,
    r.evidence.userAgent ? r.evidence.userAgent.slice(0, MAX_USER_AGENT) : null,
    r.evidence.formVersion ?? null,
  ];
  type Row = { id: number | null; allFound: boolean };
  const pool = sqlPool(db);
  const rows = pool
    ? (await pool.query<Row>({ name: 'paperboy-insert-subscriber-if-new', text: INSERT_SUBSCRIBER_IF_NEW, values: params })).rows
    : await db.$queryRawUnsafe<Row[]>(INSERT_SUBSCRIBER_IF_NEW, ...params);
  const row = rows[0];
  if (!row?.allFound) return { kind: 'unknown_lists' };
  if (row.id === null) return { kind: 'exists' };
  return { kind: 'created', id: row.id };
}

/**
 * Reads the subscriber and locks its row until the transaction ends, so two
 * sign-ups for one address (or a sign-up racing a confirmation) apply one
 * after the other instead of overwriting each other.
 */
export async function lockSubscriberByEmail(tx: Prisma.TransactionClient, email: string): Promise<Subscriber | null> {
  const rows = await tx.$queryRaw<Array<{ id: number }>>`SELECT id FROM "Subscriber" WHERE email = ${email} FOR UPDATE`;
  const id = rows[0]?.id;
  return id === undefined ? null : tx.subscriber.findUnique({ where: { id } });
}

export async function lockSubscriberById(tx: Prisma.TransactionClient, id: number): Promise<Subscriber | null> {
  const rows = await tx.$queryRaw<Array<{ id: number }>>`SELECT id FROM "Subscriber" WHERE id = ${id} FOR UPDATE`;
  return rows.length ? tx.subscriber.findUnique({ where: { id } }) : null;
}

export async function findSubscriptions(db: DbClient, subscriberId: number) {
  return db.subscription.findMany({
    where: { subscriberId },
    include: { list: true },
    orderBy: { listId: 'asc' },
  });
}

/** Adds subscriptions that do not exist yet; existing ones keep their confirmation. */
export async function addSubscriptions(db: DbClient, subscriberId: number, listIds: number[], confirmedAt: Date | null): Promise<number> {
  if (!listIds.length) return 0;
  const { count } = await db.subscription.createMany({
    data: listIds.map((listId) => ({ subscriberId, listId, confirmedAt })),
    skipDuplicates: true,
  });
  return count;
}

/** Makes the subscriber's lists exactly these, keeping the confirmation of the ones it had. */
export async function replaceSubscriptions(db: DbClient, subscriberId: number, listIds: number[], confirmedAt: Date | null): Promise<void> {
  await db.subscription.deleteMany({ where: { subscriberId, listId: { notIn: listIds } } });
  await addSubscriptions(db, subscriberId, listIds, confirmedAt);
}

export async function confirmSubscriptions(db: DbClient, subscriberId: number, now: Date): Promise<number> {
  const { count } = await db.subscription.updateMany({ where: { subscriberId, confirmedAt: null }, data: { confirmedAt: now } });
  return count;
}

export async function recordConsent(db: DbClient, subscriberId: number, lists: string[], evidence: ConsentEvidence): Promise<void> {
  await db.consentRecord.create({
    data: {
      subscriberId,
      action: evidence.action,
      ip: evidence.ip ?? null,
      userAgent: evidence.userAgent ? evidence.userAgent.slice(0, MAX_USER_AGENT) : null,
      lists,
      formVersion: evidence.formVersion ?? null,
    },
  });
}

/**
 * Marks a confirmation email as wanted, at most once per `throttleMs`: one
 * conditional UPDATE, so concurrent requests cannot both win. Returns the
 * new request time, or null when an earlier request is recent enough.
 */
export async function markConfirmationRequested(db: DbClient, subscriberId: number, now: Date, throttleMs: number): Promise<Date | null> {
  const since = new Date(now.getTime() - throttleMs);
  const { count } = await db.subscriber.updateMany({
    where: { id: subscriberId, OR: [{ confirmRequestedAt: null }, { confirmRequestedAt: { lt: since } }] },
    data: { confirmRequestedAt: now },
  });
  return count ? now : null;
}

/**
 * Subscribers whose confirmation was asked for but never sent (Redis or SMTP
 * was down): requested between `oldest` and `newest`. Newest first: the
 * reader who just signed up is the one waiting at the inbox, and a backlog
 * of hopeless old requests must not starve fresh ones. A request whose email
 * bounced for good (lastBounceAt after it) is not retried. Raw SQL because
 * Prisma's where cannot compare two columns of the same row.
 */
export async function findUnsentConfirmations(db: DbClient, window: { oldest: Date; newest: Date }, limit: number) {
  return db.$queryRaw<Array<{ id: number; confirmRequestedAt: Date }>>`
    SELECT id, "confirmRequestedAt" FROM "Subscriber"
    WHERE "confirmRequestedAt" BETWEEN ${window.oldest} AND ${window.newest}
      AND ("confirmSentAt" IS NULL OR "confirmSentAt" < "confirmRequestedAt")
      AND ("lastBounceAt" IS NULL OR "lastBounceAt" < "confirmRequestedAt")
      AND email IS NOT NULL
    ORDER BY "confirmRequestedAt" DESC
    LIMIT ${limit}`;
}
