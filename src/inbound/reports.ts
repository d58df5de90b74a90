// What a returned message says: a delivery status notification (RFC 3464),
// a feedback report (RFC 5965 ARF), or neither. Pure: no database, so the
// RFCs' examples and real samples are tested as they are.
import {
  findPart,
  header,
  MalformedReportError,
  parseFieldBlocks,
  parseHeaderBlock,
  parseMime,
  type Headers,
  type MimePart,
} from './mime-report.js';

export type BounceClass = 'hard' | 'soft' | 'delayed' | 'none';

export interface RecipientStatus {
  /** Lower-cased address of Final-Recipient (or Original-Recipient). */
  recipient: string | null;
  action: string;
  /** x.y.z, e.g. "5.1.1". */
  status: string | null;
  diagnostic: string | null;
  bounce: BounceClass;
}

/** What identifies the message a report is about, read from the returned original. */
export interface OriginalMessage {
  messageId: string | null;
  /** Text where a VERP address may appear (Return-Path, the report's Original-Mail-From). */
  senderText: string;
}

export type Report =
  | { kind: 'dsn'; recipients: RecipientStatus[]; original: OriginalMessage }
  | { kind: 'arf'; feedbackType: string; original: OriginalMessage }
  | { kind: 'other'; from: string | null; subject: string | null };

/**
 * RFC 3464 / 3463: Action "failed" with a 5.x.x status is a hard bounce; a
 * failure with 4.x.x (the reporting MTA gave up on a transient problem) is
 * soft; "delayed" only says it is still trying. Without a status, the
 * Diagnostic-Code's SMTP reply decides.
 */
export function classifyStatus(action: string, status: string | null, diagnostic: string | null): BounceClass {
  const a = action.toLowerCase();
  if (a === 'delayed') return 'delayed';
  if (a !== 'failed') return 'none';
  const klass = status?.[0] ?? /\b([45])\d\d\b/.exec(diagnostic ?? '')?.[1];
  return klass === '5' ? 'hard' : 'soft';
}

function address(value: string | undefined): string | null {
  if (!value) return null;
  const bare = value
    .replace(/^[^;]*;/, '')
    .trim()
    .replace(/^<|>$/g, '');
  return bare.includes('@') ? bare.toLowerCase() : null;
}

function originalOf(root: MimePart, extra: string): OriginalMessage {
  const part = findPart(root, [
    'message/rfc822',
    'text/rfc822-headers',
    'message/rfc822-headers',
    'message/global',
    'message/global-headers',
  ]);
  const headers = part ? parseHeaderBlock(part.body).headers : (new Map() as Headers);
  const messageId = header(headers, 'message-id')?.match(/<[^<>\s]+>/)?.[0] ?? null;
  const senderText = [extra, ...(headers.get('return-path') ?? []), ...(headers.get('list-unsubscribe') ?? [])].join(
    '\n',
  );
  return { messageId, senderText };
}

export function parseReport(raw: string): Report {
  const root = parseMime(raw);
  const reportType = root.type === 'multipart/report' ? root.params['report-type']?.toLowerCase() : undefined;
  const status = findPart(root, ['message/delivery-status', 'message/global-delivery-status']);
  const feedback = findPart(root, ['message/feedback-report']);

  if (reportType === 'feedback-report' || (feedback && !status)) {
    if (!feedback) throw new MalformedReportError('feedback report without a message/feedback-report part');
    const fields = parseFieldBlocks(feedback.body)[0];
    const feedbackType = fields && header(fields, 'feedback-type');
    if (!fields || !feedbackType) throw new MalformedReportError('feedback report without Feedback-Type');
    return {
      kind: 'arf',
      feedbackType: feedbackType.toLowerCase(),
      original: originalOf(root, header(fields, 'original-mail-from') ?? ''),
    };
  }
  if (reportType === 'delivery-status' || status) {
    if (!status) throw new MalformedReportError('delivery report without a message/delivery-status part');
    // The first block is per message (Reporting-MTA); the rest are per recipient.
    const blocks = parseFieldBlocks(status.body).filter((b) => b.has('action'));
    if (!blocks.length) throw new MalformedReportError('delivery report without a recipient (Action) block');
    const recipients = blocks.map((b): RecipientStatus => {
      const action = header(b, 'action')!.trim().toLowerCase();
      const code = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(header(b, 'status') ?? '')?.[1] ?? null;
      const diagnostic =
        header(b, 'diagnostic-code')
          ?.replace(/^[^;]*;\s*/, '')
          .slice(0, 300) ?? null;
      return {
        recipient: address(header(b, 'final-recipient')) ?? address(header(b, 'original-recipient')),
        action,
        status: code,
        diagnostic,
        bounce: classifyStatus(action, code, diagnostic),
      };
    });
    return { kind: 'dsn', recipients, original: originalOf(root, '') };
  }
  return {
    kind: 'other',
    from: header(root.headers, 'from') ?? null,
    subject: header(root.headers, 'subject') ?? null,
  };
}

const SEVERITY: Record<BounceClass, number> = { hard: 3, soft: 2, delayed: 1, none: 0 };

/** The recipient block about this address, else the most severe one (a VERP message has one recipient). */
export function pickRecipient(recipients: RecipientStatus[], email: string | null): RecipientStatus | undefined {
  const own = email ? recipients.find((r) => r.recipient === email.toLowerCase()) : undefined;
  return own ?? [...recipients].sort((a, b) => SEVERITY[b.bounce] - SEVERITY[a.bounce])[0];
}
