// A local HTTP server for the source tests: serves recorded fixtures the way
// the real APIs do (Hugging Face paging by limit and p), and can be switched
// to misbehave (5xx, HTML, slow, oversized…). Records every request.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

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
  /** arXiv entries by bare id: an `id_list` query gets the ones it names, in its order, as arXiv answers. */
  arxivEntries = hfIdListEntries();
  private server: Server;

  constructor() {
    this.handler = this.fixtures;
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.requests.push({
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        userAgent: req.headers['user-agent'],
      });
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
    this.arxivEntries = hfIdListEntries();
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
      return send(
        res,
        200,
        'application/json; charset=utf-8',
        JSON.stringify(items.slice(page * limit, (page + 1) * limit)),
      );
    }
    if (url.pathname === '/api/query') {
      const ids = url.searchParams.get('id_list');
      if (ids)
        return send(res, 200, 'application/atom+xml; charset=utf-8', idListFeed(ids.split(','), this.arxivEntries));
      return send(res, 200, 'application/atom+xml; charset=utf-8', this.arxivFeed);
    }
    send(res, 404, 'text/plain', 'not found');
  };
}

/** A test env whose Hugging Face and arXiv base URLs point at a new fixture server. */
export async function createSourceEnv(): Promise<{ env: TestEnv; server: FixtureServer; cleanup(): Promise<void> }> {
  const server = await new FixtureServer().start();
  const env = await createTestEnv({ HF_BASE_URL: server.url, ARXIV_BASE_URL: server.url });
  return {
    env,
    server,
    async cleanup() {
      await env.cleanup();
      await server.stop();
    },
  };
}

export function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

const hfIdListEntries = () => atomEntries(readFixture('arxiv/id-list-hf-2025-09-08.xml'));

/** The `<entry>` elements of an Atom feed, by bare arXiv id. */
export function atomEntries(feed: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [entry] of feed.matchAll(/ {2}<entry>[\s\S]*?<\/entry>/g)) {
    const id = /<id>https?:\/\/arxiv\.org\/abs\/(.+?)(v\d+)?<\/id>/.exec(entry)?.[1];
    if (id) entries.set(id, entry);
  }
  return entries;
}

/** An id_list answer: arXiv's feed head, then the known entries in the order asked; unknown ids are left out. */
export function idListFeed(ids: string[], entries: Map<string, string>): string {
  const found = ids.flatMap((id) => entries.get(id) ?? []);
  const list = ids.join(',');
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D${list.replaceAll(',', '%2C')}%26start%3D0%26max_results%3D${ids.length}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=&amp;id_list=${list}&amp;start=0&amp;max_results=${ids.length}</title>
  <id>http://arxiv.org/api/Vt2uCQ1r9qM0xh3XnHkLLuhJmUk</id>
  <updated>2025-09-08T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">${found.length}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">${found.length}</opensearch:itemsPerPage>
${found.join('\n')}
</feed>
`;
}

/** One entry in arXiv's format, for tests that need more papers than a fixture holds. */
export function arxivEntry(paper: { id: string; title: string; authors: string[]; categories: string[] }): string {
  const authors = paper.authors.map((name) => `    <author>\n      <name>${name}</name>\n    </author>`).join('\n');
  const categories = paper.categories
    .map((term) => `    <category term="${term}" scheme="http://arxiv.org/schemas/atom"/>`)
    .join('\n');
  return `  <entry>
    <id>http://arxiv.org/abs/${paper.id}v1</id>
    <updated>2025-09-01T12:00:00Z</updated>
    <published>2025-09-01T12:00:00Z</published>
    <title>${paper.title}</title>
    <summary>  Generated for the batching test.
</summary>
${authors}
    <link href="http://arxiv.org/abs/${paper.id}v1" rel="alternate" type="text/html"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="${paper.categories[0]}" scheme="http://arxiv.org/schemas/atom"/>
${categories}
  </entry>`;
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
