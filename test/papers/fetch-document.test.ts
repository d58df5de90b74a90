// Timeouts, retries, the User-Agent and the size cap, against a local server.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchDocument, type FetchOptions } from '../../src/papers/fetch-document.js';
import { IngestError } from '../../src/papers/ingest-error.js';
import { FixtureServer, send } from './fixture-server.js';

const options: FetchOptions = {
  userAgent: 'Paperboy/test (+https://paperboy.test)',
  timeoutMs: 300,
  retries: 2,
  retryDelayMs: 5,
  maxBytes: 1024,
};
let server: FixtureServer;

beforeAll(async () => {
  server = await new FixtureServer().start();
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

async function failure(promise: Promise<unknown>): Promise<IngestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof IngestError)) throw new Error(`expected an IngestError, got ${String(error)}`);
  return error;
}

describe('fetchDocument', () => {
  it('sends the User-Agent and returns the body', async () => {
    server.handler = (_req, res) => send(res, 200, 'application/json', '[]');
    const doc = await fetchDocument('test', `${server.url}/x`, options, 'application/json');
    expect(doc.text).toBe('[]');
    expect(server.requests[0]!.userAgent).toBe('Paperboy/test (+https://paperboy.test)');
  });

  it('retries a 5xx with backoff and succeeds', async () => {
    let calls = 0;
    server.handler = (_req, res) =>
      ++calls < 3 ? send(res, 503, 'text/plain', 'busy') : send(res, 200, 'application/json', '[1]');
    const doc = await fetchDocument('test', `${server.url}/x`, options, 'application/json');
    expect(doc.text).toBe('[1]');
    expect(calls).toBe(3);
  });

  it('gives up after the retries with a message naming the status and attempts', async () => {
    server.handler = (_req, res) => send(res, 502, 'text/plain', 'bad gateway');
    const error = await failure(
      fetchDocument('Hugging Face daily papers', `${server.url}/x`, options, 'application/json'),
    );
    expect(error).toMatchObject({ code: 'http_status', transient: true });
    expect(error.message).toMatch(
      /^Hugging Face daily papers: GET http:\/\/127\.0\.0\.1:\d+\/x answered HTTP 502 \(after 3 attempts\)$/,
    );
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 4xx', async () => {
    server.handler = (_req, res) => send(res, 404, 'text/plain', 'no');
    const error = await failure(fetchDocument('test', `${server.url}/x`, options, 'application/json'));
    expect(error).toMatchObject({ code: 'http_status', transient: false });
    expect(server.requests).toHaveLength(1);
  });

  it('times out a server that never answers, and retries it', async () => {
    server.handler = () => {};
    const error = await failure(fetchDocument('test', `${server.url}/slow`, options, 'application/json'));
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/timed out after 300 ms/);
    expect(server.requests).toHaveLength(3);
  });

  it('times out a body that trickles', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
    };
    expect(
      (await failure(fetchDocument('test', `${server.url}/slow`, { ...options, retries: 0 }, 'application/json'))).code,
    ).toBe('timeout');
  });

  it('refuses a response over the size cap, declared or not', async () => {
    server.handler = (_req, res) => send(res, 200, 'application/json', `[${'1,'.repeat(1000)}1]`);
    expect((await failure(fetchDocument('test', `${server.url}/big`, options, 'application/json'))).code).toBe(
      'too_large',
    );
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no Content-Length
      for (let i = 0; i < 10; i++) res.write('x'.repeat(200));
      res.end();
    };
    expect((await failure(fetchDocument('test', `${server.url}/big`, options, 'application/json'))).code).toBe(
      'too_large',
    );
  });

  it('reports a refused connection as a network error', async () => {
    const closed = await new FixtureServer().start();
    const url = `${closed.url}/x`;
    await closed.stop();
    const error = await failure(fetchDocument('test', url, { ...options, retries: 1 }, 'application/json'));
    expect(error).toMatchObject({ code: 'network', transient: true });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});
