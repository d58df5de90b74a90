// Why a whole ingest run failed. A run that throws this stores nothing:
// item-level problems are skipped and reported instead.

export type IngestErrorCode =
  | 'timeout'
  | 'network'
  | 'http_status'
  | 'too_large'
  | 'empty'
  | 'html'
  | 'invalid_json'
  | 'invalid_xml'
  | 'unsafe_xml'
  | 'wrong_shape'
  | 'upstream_error'
  | 'file'
  | 'invalid_input'
  | 'redirect';

export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
    /** Worth retrying later (timeouts, network errors, 5xx, 429); the rest fail the same way again. */
    readonly transient = false,
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

/** How much of an upstream's own words an error (and so a log line or job reason) may carry. */
export const UPSTREAM_SNIPPET_CHARS = 80;

/**
 * A short, sanitised piece of what an upstream said: one line of printable
 * characters, addresses masked, cut to UPSTREAM_SNIPPET_CHARS. Never more:
 * an upstream (or whoever answers in its place) chooses these bytes.
 */
export function upstreamSnippet(text: string): string {
  const line = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[^\s<>()[\]{}"',;:@]{1,64}@[A-Za-z0-9.-]{1,255}/g, '[address]');
  return line.length > UPSTREAM_SNIPPET_CHARS ? `${line.slice(0, UPSTREAM_SNIPPET_CHARS)}…` : line;
}
