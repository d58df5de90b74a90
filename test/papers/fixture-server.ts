// A local HTTP server for the source tests: serves recorded fixtures the way
// the real APIs do (Hugging Face paging by limit and p), and can be switched
// to misbehave (5xx, HTML, slow, oversized…). Records every request.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FIXTURES = new URL('../fixtures/', import.meta.url);

export function readFixture(path: string): string {
  return readFileSync(new URL(path, FIXTURES), 'utf8');
}

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

export interface SeenRequest {
  path: string;
  query: Record<string, string>;
  userAgent: string | undefined;
}

export class FixtureServer {
  readonly requests: SeenRequest[] = [];
  /** Replace to make the next requests misbehave; `reset()` restores the fixtures. */
  handler: Handler;
  /** Hugging Face items per date, served in pages; tests edit upvotes here. */
  hfDays = new Map<string, unknown[]>();
  arxivFeed = readFixture('arxiv/query-cs-lg.xml');
  private server: Server;

  constructor() {
    this.handler = this.fixtures;
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), userAgent: req.headers['user-agent'] });
      this.handler(req, res, url);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.handler = this.fixtures;
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The well-behaved APIs. */
  readonly fixtures: Handler = (_req, res, url) => {
    if (url.pathname === '/api/daily_papers') {
      const items = this.hfDays.get(url.searchParams.get('date') ?? '') ?? [];
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const page = Number(url.searchParams.get('p') ?? 0);
      return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(items.slice(page * limit, (page + 1) * limit)));
    }
    if (url.pathname === '/api/query') {
      return send(res, 200, 'application/atom+xml; charset=utf-8', this.arxivFeed);
    }
    send(res, 404, 'text/plain', 'not found');
  };
}

export function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

/** Nine levels of entities that expand to a billion "lol"s if a parser lets them. */
export const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2501.00663v1</id><title>&lol9;</title></entry></feed>`;
