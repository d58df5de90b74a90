// Header values built from data that may have come from outside: a CR or LF
// would let it start a new header, so they never get through.

export class HeaderInjectionError extends Error {}

export function headerValue(value: string): string {
  if (/[\r\n\0]/.test(value)) throw new HeaderInjectionError('header value contains a line break or NUL');
  return value;
}

/** Subjects come from paper titles: fold whitespace instead of refusing them. */
export function subjectLine(value: string, max = 150): string {
  const folded = value.replace(/[\s\0]+/g, ' ').trim();
  return folded.length > max ? `${folded.slice(0, max - 1)}…` : folded;
}

export interface ListHeaderInput {
  /** https URL; POST to it unsubscribes at once (RFC 8058). */
  unsubscribeUrl: string;
  unsubscribeMailto: string;
  /** RFC 2919 list id, e.g. "Paperboy digest <digest.paperboy.example.org>". */
  listId: string;
}

export function listHeaders(input: ListHeaderInput): Record<string, string> {
  return {
    'List-Unsubscribe': headerValue(
      `<${input.unsubscribeUrl}>, <mailto:${input.unsubscribeMailto}?subject=unsubscribe>`,
    ),
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': headerValue(input.listId),
  };
}

/** RFC 2919 list id host part derived from PUBLIC_URL. */
export function listIdFor(publicUrl: string, label = 'digest'): string {
  return `Paperboy ${label} <${label}.${new URL(publicUrl).hostname}>`;
}

/**
 * Folds a structured header value (a comma-separated list, such as
 * List-Unsubscribe) after its commas so no line passes 78 characters
 * (RFC 5322 2.1.1). Returns the value with CRLF + space folds; the name is
 * only counted, not included.
 */
export function foldHeader(name: string, value: string, width = 78): string {
  headerValue(value);
  const items = value.split(/,\s*/);
  let line = name.length + 2;
  let out = '';
  items.forEach((item, i) => {
    const piece = i < items.length - 1 ? `${item},` : item;
    if (i > 0 && line + 1 + piece.length > width) {
      out += `\r\n ${piece}`;
      line = 1 + piece.length;
    } else {
      out += i > 0 ? ` ${piece}` : piece;
      line += (i > 0 ? 1 : 0) + piece.length;
    }
  });
  return out;
}

/**
 * Gmail's Feedback-ID, "<campaign>:<stream>:<sender>": the campaign is the
 * digest's period (or the transactional email's kind), the stream "digest" or
 * "transactional", the sender the PUBLIC_URL host. Its feedback loop then
 * reports complaint rates per period and per stream.
 */
export function feedbackId(campaign: string, stream: 'digest' | 'transactional', publicUrl: string): string {
  return headerValue(`${campaign.replace(/[^A-Za-z0-9.-]/g, '')}:${stream}:${new URL(publicUrl).hostname}`);
}

/** On every email: auto-replies and out-of-office notices must not answer it (RFC 3834). */
export const AUTO_SUBMITTED = { 'Auto-Submitted': 'auto-generated' } as const;

/** On digests and welcomes: bulk mail, so vacation responders stay quiet too. */
export const BULK = { Precedence: 'bulk' } as const;
