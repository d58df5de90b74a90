// Fetches one document from a source over HTTP: a timeout that covers the
// whole body, a User-Agent, a size cap, and retries with backoff on 5xx, 429
// and network errors. Every failure becomes an IngestError that names the
// source, the URL and what went wrong.
import { IngestError } from './ingest-error.js';

export interface FetchOptions {
  userAgent: string;
  /** Per attempt, headers and body together. */
  timeoutMs: number;
  /** Extra attempts after the first. */
  retries: number;
  /** First backoff; doubles each retry (with jitter). */
  retryDelayMs: number;
  maxBytes: number;
}

export const DEFAULT_FETCH_OPTIONS: Omit<FetchOptions, 'userAgent'> = {
  timeoutMs: 30_000,
  retries: 3,
  retryDelayMs: 1_000,
  maxBytes: 32 * 1024 * 1024,
};

export interface FetchedDocument {
  url: string;
  status: number;
  contentType: string;
  text: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GET `url` and return its body as text, or throw an IngestError once retries are spent. */
export async function fetchDocument(
  label: string,
  url: string,
  options: FetchOptions,
  accept: string,
): Promise<FetchedDocument> {
  let lastError: IngestError | undefined;
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (attempt > 0) await sleep(options.retryDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5));
    try {
      return await fetchOnce(label, url, options, accept);
    } catch (error) {
      if (!(error instanceof IngestError) || !error.transient) throw error;
      lastError = error;
    }
  }
  const attempts = options.retries + 1;
  throw new IngestError(
    lastError!.code,
    `${lastError!.message} (after ${attempts} attempt${attempts > 1 ? 's' : ''})`,
    true,
  );
}

const MAX_REDIRECTS = 5;

/**
 * Drops a body we will not read. Cancelling fails only on a stream that
 * already broke, which leaves nothing to release: that failure is no news.
 */
async function discard(stream: { cancel(): Promise<void> } | null): Promise<void> {
  await stream?.cancel().catch(() => undefined);
}

/**
 * Redirects are followed by hand, and only within the host asked for: a
 * source that sends us elsewhere (an open redirect, a hijacked DNS name
 * pointing at an internal service) fails the run instead.
 */
async function fetchSameHost(where: string, url: string, init: RequestInit): Promise<Response> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, { ...init, redirect: 'manual' });
    const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
    if (!location) return response;
    await discard(response.body);
    const next = new URL(location, current);
    if (next.host !== current.host || next.protocol !== current.protocol) {
      throw new IngestError(
        'redirect',
        `${where} redirected to another host (${next.protocol}//${next.host}); not followed`,
      );
    }
    if (hop >= MAX_REDIRECTS) throw new IngestError('redirect', `${where} redirected more than ${MAX_REDIRECTS} times`);
    current = next;
  }
}

async function fetchOnce(label: string, url: string, options: FetchOptions, accept: string): Promise<FetchedDocument> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const where = `${label}: GET ${url}`;
  let response: Response;
  try {
    response = await fetchSameHost(where, url, { signal, headers: { 'user-agent': options.userAgent, accept } });
  } catch (error) {
    if (error instanceof IngestError) throw error;
    throw networkError(where, error, options.timeoutMs);
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (!response.ok) {
    await discard(response.body);
    const transient = response.status >= 500 || response.status === 429;
    throw new IngestError('http_status', `${where} answered HTTP ${response.status}`, transient);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > options.maxBytes) {
    await discard(response.body);
    throw tooLarge(where, options.maxBytes);
  }
  try {
    const text = await readCapped(response, options.maxBytes, () => tooLarge(where, options.maxBytes));
    return { url, status: response.status, contentType, text };
  } catch (error) {
    if (error instanceof IngestError) throw error;
    throw networkError(where, error, options.timeoutMs);
  }
}

/** Reads the body, stopping as soon as it passes `maxBytes` (a Content-Length can lie or be absent). */
async function readCapped(response: Response, maxBytes: number, onTooLarge: () => IngestError): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await discard(reader);
      throw onTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function tooLarge(where: string, maxBytes: number): IngestError {
  return new IngestError('too_large', `${where}: response is larger than ${Math.round(maxBytes / 1024)} KB`);
}

function networkError(where: string, error: unknown, timeoutMs: number): IngestError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new IngestError('timeout', `${where} timed out after ${timeoutMs} ms`, true);
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new IngestError('network', `${where} failed: ${cause ?? message}`, true);
}
