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
    'List-Unsubscribe': headerValue(`<${input.unsubscribeUrl}>, <mailto:${input.unsubscribeMailto}?subject=unsubscribe>`),
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': headerValue(input.listId),
  };
}

/** RFC 2919 list id host part derived from PUBLIC_URL. */
export function listIdFor(publicUrl: string, label = 'digest'): string {
  return `Paperboy ${label} <${label}.${new URL(publicUrl).hostname}>`;
}
