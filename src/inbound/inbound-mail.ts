// What the inbound listener does with one message, once accepted at RCPT:
// reports to a bounce address become feedback (hard or soft bounce,
// complaint); mail to the unsubscribe address unsubscribes its sender.
// Anything unreadable is ignored with a log line and an event row: the
// sender gets 250 either way, so it neither retries nor learns anything.
import type { Config } from '../config.js';
import { addressOf } from '../mail/mime.js';
import { applyFeedback, type Feedback, type FeedbackDeps, type FeedbackKind, type FeedbackTarget } from './feedback.js';
import { recordMailEvent } from './feedback-repo.js';
import { header, MalformedReportError, parseHeaderBlock } from './mime-report.js';
import { parseReport, pickRecipient, type BounceClass } from './reports.js';
import { bounceMailbox, findVerpTarget, parseVerpAddress, type VerpTarget } from '../mail/verp.js';

export type InboundRecipient = { kind: 'bounce'; target: VerpTarget | null } | { kind: 'unsubscribe' };

export interface InboundDeps extends FeedbackDeps {
  config: Pick<Config, 'deliverability' | 'secretKey' | 'unsubscribeMailto'>;
}

/** Which of our addresses this is, or null: everything else is refused at RCPT (never a relay). */
export function acceptRecipient(config: InboundDeps['config'], address: string): InboundRecipient | null {
  const lower = address.trim().toLowerCase();
  if (lower === config.unsubscribeMailto.toLowerCase()) return { kind: 'unsubscribe' };
  if (lower === bounceMailbox(config)) return { kind: 'bounce', target: null };
  const target = parseVerpAddress(config, lower);
  return target ? { kind: 'bounce', target } : null;
}

export type InboundOutcome = FeedbackKind | 'ignored';

const BOUNCE_KIND: Record<BounceClass, InboundOutcome> = {
  hard: 'hard_bounce',
  soft: 'soft_bounce',
  delayed: 'delayed',
  none: 'ignored',
};

function targetOf(target: VerpTarget | null): FeedbackTarget {
  if (!target) return {};
  return target.kind === 'delivery' ? { deliveryId: target.id } : { subscriberId: target.id };
}

async function ignore(deps: InboundDeps, reason: string): Promise<InboundOutcome> {
  deps.logger.child({ module: 'inbound' }).warn({ event: 'inbound_ignored', reason }, 'inbound message ignored');
  await recordMailEvent(deps.db, { kind: 'ignored', source: 'inbound', detail: reason });
  return 'ignored';
}

export async function handleInboundMessage(
  deps: InboundDeps,
  recipient: InboundRecipient,
  raw: string,
): Promise<InboundOutcome> {
  if (recipient.kind === 'unsubscribe') {
    // RFC 8058's mailto: the reader's client mails the address; its From says who.
    const from = header(parseHeaderBlock(raw).headers, 'from');
    const email = from ? addressOf(from).toLowerCase() : '';
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) return ignore(deps, 'unsubscribe mail without a From address');
    const result = await applyFeedback(deps, { kind: 'unsubscribe', target: { email }, source: 'inbound' });
    return result.applied ? 'unsubscribe' : 'ignored';
  }

  let report;
  try {
    report = parseReport(raw);
  } catch (error) {
    if (error instanceof MalformedReportError) return ignore(deps, `malformed report: ${error.message}`);
    throw error;
  }
  if (report.kind === 'other') return ignore(deps, 'not a delivery or feedback report (auto-reply?)');

  // The address it came to is the best reference; a report sent to the plain
  // bounce mailbox names the original through its VERP sender or Message-ID.
  const target: FeedbackTarget = {
    ...targetOf(recipient.target ?? findVerpTarget(deps.config, report.original.senderText)),
    ...(report.original.messageId ? { messageId: report.original.messageId } : {}),
  };
  if (!target.deliveryId && !target.subscriberId && !target.messageId)
    return ignore(deps, `${report.kind} that names no message of ours`);

  let feedback: Feedback;
  if (report.kind === 'arf') {
    if (report.feedbackType === 'not-spam') return ignore(deps, 'feedback report of type not-spam');
    feedback = { kind: 'complaint', target, source: 'inbound', detail: `arf ${report.feedbackType}` };
  } else {
    const status = pickRecipient(report.recipients, null)!;
    const kind = BOUNCE_KIND[status.bounce];
    if (kind === 'ignored') return ignore(deps, `delivery report with action ${status.action}`);
    feedback = {
      kind,
      target,
      source: 'inbound',
      detail: [status.status, status.diagnostic].filter(Boolean).join(' '),
    };
  }
  const result = await applyFeedback(deps, feedback);
  return result.applied ? feedback.kind : 'ignored';
}
