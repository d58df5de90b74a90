// Every link an email or page gives a subscriber, built in one place.
import type { Config } from '../config.js';
import { createToken, type Vote } from './tokens.js';

export interface SubscriberLinks {
  confirm: string;
  preferences: string;
  unsubscribe: string;
}

export function subscriberLinks(
  config: Pick<Config, 'publicUrl' | 'secretKey'>,
  subscriberId: number,
  now = Date.now(),
): SubscriberLinks {
  return {
    confirm: `${config.publicUrl}/confirm/${createToken(config.secretKey, 'confirm', { sub: subscriberId }, now)}`,
    ...manageLinks(config, subscriberId, now),
  };
}

/** The preferences and unsubscribe links alone: a digest carries no confirmation link, and signing one per email is wasted. */
export function manageLinks(
  config: Pick<Config, 'publicUrl' | 'secretKey'>,
  subscriberId: number,
  now = Date.now(),
): Omit<SubscriberLinks, 'confirm'> {
  const base = config.publicUrl;
  return {
    preferences: `${base}/preferences/${createToken(config.secretKey, 'manage', { sub: subscriberId }, now)}`,
    unsubscribe: `${base}/unsubscribe/${createToken(config.secretKey, 'unsubscribe', { sub: subscriberId }, now)}`,
  };
}

export function digestViewLink(
  config: Pick<Config, 'publicUrl' | 'secretKey'>,
  subscriberId: number,
  deliveryId: number,
): string {
  return `${config.publicUrl}/digests/${deliveryId}?t=${createToken(config.secretKey, 'view', { sub: subscriberId, ref: deliveryId })}`;
}

/**
 * A card's "More like this" (up) or "Less like this" (down) link. Opening it
 * shows a page with one button; only that button's POST records the vote.
 */
export function feedbackUrl(
  config: Pick<Config, 'publicUrl' | 'secretKey'>,
  link: { subscriberId: number; paperId: number; vote: Vote },
): string {
  return `${config.publicUrl}/feedback/${createToken(config.secretKey, 'feedback', { sub: link.subscriberId, ref: link.paperId, vote: link.vote })}`;
}
