// The ingest findings of the security review (issue 14): fetches followed
// redirects to any host, plain-http sources were accepted in production, and
// upstream bodies were echoed into errors (and so logs and job reasons).
// Each test failed on the reviewed code.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { fetchDocument, type FetchOptions } from '../../src/papers/fetch-document.js';
import { parseHfDocument } from '../../src/papers/hf-source.js';
import { IngestError, UPSTREAM_SNIPPET_CHARS } from '../../src/papers/ingest-error.js';
import { FixtureServer, send } from '../papers/fixture-server.js';

const options: FetchOptions = {
  userAgent: 'Paperboy/test',
  timeoutMs: 2000,
  retries: 0,
  retryDelayMs: 5,
  maxBytes: 64 * 1024,
};
let server: FixtureServer;

beforeAll(async () => {
  server = await new FixtureServer().start();
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('security review: ingest findings', () => {
  it('a redirect to another host is not followed and fails the fetch', async () => {
    const port = new URL(server.url).port;
    server.handler = (_req, res, url) => {
      if (url.pathname === '/start') {
        res.writeHead(302, { location: `http://localhost:${port}/internal` });
        res.end();
      } else send(res, 200, 'application/json', '["internal data"]');
    };
    const error = await caught(fetchDocument('test', `${server.url}/start`, options, 'application/json'));
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).code).toBe('redirect');
    expect(server.requests.map((r) => r.path)).toEqual(['/start']);
  });

  it('a redirect within the same host is still followed', async () => {
    server.handler = (_req, res, url) => {
      if (url.pathname === '/old') {
        res.writeHead(301, { location: '/new' });
        res.end();
      } else send(res, 200, 'application/json', '[]');
    };
    expect((await fetchDocument('test', `${server.url}/old`, options, 'application/json')).text).toBe('[]');
  });

  it('an upstream error body reaches the error only as a short, one-line, address-free snippet', () => {
    const hostile = `{"error":"Bad request\\nSet-Cookie: x=1\\u0000 from admin@internal.example ${'A'.repeat(5000)}"}`;
    const error = (() => {
      try {
        parseHfDocument('Hugging Face', hostile, 'application/json');
      } catch (e) {
        return e as IngestError;
      }
    })();
    expect(error?.code).toBe('upstream_error');
    const echoed = error!.message.split('the API answered an error: ')[1]!;
    expect(echoed.length).toBeLessThanOrEqual(UPSTREAM_SNIPPET_CHARS + 1);
    expect(error!.message).not.toMatch(/[\r\n\u0000]/);
    expect(error!.message).not.toContain('admin@internal.example');
    const badJson = caught(
      Promise.resolve().then(() => parseHfDocument('Hugging Face', `[${'x'.repeat(3000)}`, 'application/json')),
    );
    return badJson.then((e) => expect((e as IngestError).message.length).toBeLessThan(200));
  });

  it('production refuses plain-http sources except on loopback', () => {
    const prod = {
      NODE_ENV: 'production',
      SECRET_KEY: 'a-private-secret-key-a-private-secret-key',
      ADMIN_TOKEN: 'a-private-admin-token',
      MAIL_FROM: 'Paperboy <digest@paperboy.example.org>',
      UNSUBSCRIBE_MAILTO: 'unsubscribe@paperboy.example.org',
    };
    expect(() => loadConfig({ ...prod, HF_BASE_URL: 'http://huggingface.co' })).toThrow('HF_BASE_URL');
    expect(() => loadConfig({ ...prod, ARXIV_BASE_URL: 'http://export.arxiv.org' })).toThrow('ARXIV_BASE_URL');
    expect(loadConfig({ ...prod, HF_BASE_URL: 'http://127.0.0.1:8080' }).hfBaseUrl).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ NODE_ENV: 'test', HF_BASE_URL: 'http://fixtures.test' }).hfBaseUrl).toBe(
      'http://fixtures.test',
    );
  });
});
