// Shared by the inbound tests: an env whose bounce domain and unsubscribe
// address are ours, readers with a sent delivery each, and the fixtures
// (real report formats) filled with a reader's VERP address and Message-ID.
import { readFileSync } from 'node:fs';
import type { Db } from '../../src/db.js';
import { verpAddress } from '../../src/mail/verp.js';
import type { Config } from '../../src/config.js';

export const INBOUND_SETTINGS = {
  MAIL_FROM: 'Paperboy <digest@paperboy.test>',
  UNSUBSCRIBE_MAILTO: 'unsubscribe@paperboy.test',
  SOFT_BOUNCE_LIMIT: '2',
  INBOUND_MAX_MESSAGE_BYTES: '65536',
};

let serial = 0;

/** An active reader following one list, with one sent digest delivery. */
export async function readerWithDelivery(db: Db, email: string) {
  const list =
    (await db.list.findFirst({ where: { slug: 'trending' } })) ??
    (await db.list.create({ data: { slug: 'trending', name: 'Trending' } }));
  const reader = await db.subscriber.create({
    data: {
      email,
      status: 'active',
      confirmedAt: new Date(),
      subscriptions: { create: [{ listId: list.id, confirmedAt: new Date() }] },
    },
  });
  serial += 1;
  const digest = await db.digest.upsert({
    where: { period: '2026-11-16' },
    create: { period: '2026-11-16', status: 'done' },
    update: {},
  });
  const delivery = await db.delivery.create({
    data: {
      digestId: digest.id,
      subscriberId: reader.id,
      status: 'sent',
      messageId: `<${serial}${email.replace(/\W/g, '')}@paperboy.test>`,
      sentAt: new Date(),
    },
  });
  return { reader, delivery };
}

export function fixture(name: string, values: Record<string, string> = {}): string {
  const raw = readFileSync(new URL(`../fixtures/inbound/${name}`, import.meta.url), 'utf8');
  return raw.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
}

export function fixtureFor(
  config: Config,
  name: string,
  delivery: { id: number; messageId: string },
  email: string,
): string {
  return fixture(name, {
    VERP: verpAddress(config, { kind: 'delivery', id: delivery.id }),
    MESSAGE_ID: delivery.messageId,
    EMAIL: email,
  });
}
