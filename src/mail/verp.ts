// VERP envelope senders: bounces+<token>@<BOUNCE_DOMAIN>. The token says
// which delivery (digest) or subscriber (confirmation, welcome) a returned
// message was about, and is signed, so a forged bounce cannot name anyone.
// Lower-case only (some MTAs fold the local part), and short: a local part
// holds at most 64 characters.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';

export type VerpTarget = { kind: 'delivery'; id: number } | { kind: 'subscriber'; id: number };

type VerpConfig = Pick<Config, 'secretKey'> & { deliverability: Pick<Config['deliverability'], 'bounceDomain'> };

const PREFIX = 'bounces';

// Derived once per secret: every digest email signs its envelope sender.
const derivedKeys = new Map<string, Buffer>();

function tag(secret: string, body: string): string {
  let key = derivedKeys.get(secret);
  if (!key) derivedKeys.set(secret, (key = createHmac('sha256', secret).update('paperboy-verp').digest()));
  return createHmac('sha256', key).update(body).digest('hex').slice(0, 16);
}

export function verpToken(secret: string, target: VerpTarget): string {
  const body = `${target.kind === 'delivery' ? 'd' : 's'}${target.id.toString(36)}`;
  return `${body}-${tag(secret, body)}`;
}

export function verpAddress(config: VerpConfig, target: VerpTarget): string {
  return `${PREFIX}+${verpToken(config.secretKey, target)}@${config.deliverability.bounceDomain}`;
}

/** The plain bounce mailbox, for reports that carry the original message instead of a token in the address. */
export function bounceMailbox(config: VerpConfig): string {
  return `${PREFIX}@${config.deliverability.bounceDomain}`;
}

/** The target of a token, or null when it is malformed or its signature does not match. */
export function parseVerpToken(secret: string, token: string): VerpTarget | null {
  const m = /^([ds])([0-9a-z]{1,10})-([0-9a-f]{16})$/.exec(token.toLowerCase());
  if (!m) return null;
  const [, kind, id36, given] = m as unknown as [string, string, string, string];
  const expected = tag(secret, `${kind}${id36}`);
  if (!timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return null;
  const id = parseInt(id36, 36);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  return { kind: kind === 'd' ? 'delivery' : 'subscriber', id };
}

/** A VERP address at our bounce domain → its target; anything else → null. */
export function parseVerpAddress(config: VerpConfig, address: string): VerpTarget | null {
  const m = /^bounces\+([^@\s]+)@([^@\s>]+)$/i.exec(address.trim());
  if (!m || m[2]!.toLowerCase() !== config.deliverability.bounceDomain) return null;
  return parseVerpToken(config.secretKey, m[1]!);
}

/** Any signed VERP address inside a text (a returned message's Return-Path, an ARF's Original-Mail-From). */
export function findVerpTarget(config: VerpConfig, text: string): VerpTarget | null {
  for (const m of text.matchAll(/bounces\+([0-9a-z]{2,11}-[0-9a-f]{16})@([a-z0-9.-]+)/gi)) {
    if (m[2]!.toLowerCase() !== config.deliverability.bounceDomain) continue;
    const target = parseVerpToken(config.secretKey, m[1]!);
    if (target) return target;
  }
  return null;
}
