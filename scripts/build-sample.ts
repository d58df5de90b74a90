/**
 * Builds the offline sample data set in data/sample/ from the seed files:
 *
 *   <seed>/daily-papers-page.txt  text dump of a Hugging Face "Daily Papers" page
 *   <seed>/titles.json            the titles in page order
 *   <seed>/arxiv-ids.json         [{ title, arxivId, source }] in page order (one id is null)
 *
 * Writes
 *   data/sample/daily-papers.json     items shaped like GET /api/daily_papers?date=YYYY-MM-DD
 *   data/sample/arxiv-atom-sample.xml five of those papers as an arXiv API Atom feed
 *
 * Usage: npx tsx scripts/build-sample.ts [seedDir]   (default: <repo>/../shared/seed)
 *
 * The output is a pure function of the seed files: no clock, no randomness, no
 * network, so running it twice gives byte-identical files. It fails loudly when
 * the page, the titles and the ids disagree.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The page shows "Nov 12" without a year; the sample pins it to this year. */
const PAGE_YEAR = 2026;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
/** "Nov 12" — the page's own date. */
const PAGE_DATE_RE = new RegExp(`^${MONTH} (\\d{1,2})$`);
/** "Aug 26, 2022", "Jul 21", "Mar 12, 2020 1", "Apr 17 4": date, optional year, optional upvotes. */
const PAPER_DATE_RE = new RegExp(`^${MONTH} (\\d{1,2})(?:, (\\d{4}))?(?: (\\d+))?$`);
/** "• 6 authors" */
const AUTHOR_COUNT_RE = /^•\s*(\d+)\s+authors?$/;
const ARXIV_ID_RE = /^\d{4}\.\d{4,5}$/;

/** Papers put into the Atom sample, with the arXiv categories they are filed under. */
const ATOM_PAPERS: ReadonlyArray<{ id: string; categories: readonly string[] }> = [
  { id: '1411.4389', categories: ['cs.CV'] },
  { id: '1912.12180', categories: ['cs.CV'] },
  { id: '2003.05997', categories: ['cs.LG', 'cs.CL', 'stat.ML'] },
  { id: '2205.13504', categories: ['cs.AI', 'cs.LG'] },
  { id: '2501.00663', categories: ['cs.LG', 'cs.AI', 'cs.CL'] },
];

interface IdRecord {
  title: string;
  arxivId: string | null;
  source: string | null;
}

interface ParsedPaper {
  title: string;
  summary: string;
  authorCount: number | null;
  organization: { name: string; fullname: string } | null;
  /** YYYY-MM-DD, or null when the page shows no date for the paper. */
  date: string | null;
  /** null when the page shows no upvote number. */
  upvotes: number | null;
}

class SeedError extends Error {}

function fail(message: string): never {
  throw new SeedError(message);
}

/** Joins hard-wrapped lines and collapses runs of whitespace. */
function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function isoDate(year: number, monthName: string, day: number): string {
  const month = MONTHS.indexOf(monthName);
  const d = new Date(Date.UTC(year, month, day));
  if (month < 0 || d.getUTCMonth() !== month || d.getUTCDate() !== day) {
    fail(`invalid date: ${monthName} ${day}, ${year}`);
  }
  return d.toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;

/**
 * The page omits the year for dates in the year it was rendered. An arXiv id
 * (YYMM.NNNNN) says when the paper was submitted, so the year is the one that
 * puts the date next to that month. Without an id, fall back to the page's
 * rule: the page year, or the year before if the date would be after the page.
 */
function resolveYear(monthName: string, day: number, arxivId: string | null, pageDate: string): number {
  if (arxivId) {
    const yy = Number(arxivId.slice(0, 2));
    const mm = Number(arxivId.slice(2, 4));
    const idTime = Date.UTC(2000 + yy, mm - 1, 15);
    let best: { year: number; distance: number } | null = null;
    for (const year of [1999 + yy, 2000 + yy, 2001 + yy]) {
      const distance = Math.abs(Date.parse(isoDate(year, monthName, day)) - idTime);
      if (!best || distance < best.distance) best = { year, distance };
    }
    if (!best || best.distance > 75 * DAY_MS) {
      fail(`date "${monthName} ${day}" does not fit arXiv id ${arxivId}`);
    }
    return best.year;
  }
  const pageYear = Number(pageDate.slice(0, 4));
  return isoDate(pageYear, monthName, day) > pageDate ? pageYear - 1 : pageYear;
}

/** Splits text into paragraphs (runs of non-blank lines), each a list of trimmed lines. */
function paragraphs(lines: readonly string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') {
      if (current.length) out.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length) out.push(current);
  return out;
}

interface Meta {
  authorCount: number | null;
  organization: { name: string; fullname: string } | null;
  monthName: string;
  day: number;
  year: number | null;
  upvotes: number | null;
}

/** Reads a metadata paragraph: ["• 6 authors" | "<org> <fullname>", "·", "<date>[ <upvotes>]"]. */
function parseMeta(para: readonly string[]): Meta | null {
  if (para.length !== 3 || para[1] !== '·') return null;
  const date = PAPER_DATE_RE.exec(para[2] ?? '');
  if (!date) return null;
  const who = para[0] ?? '';
  const count = AUTHOR_COUNT_RE.exec(who);
  let organization: Meta['organization'] = null;
  if (!count) {
    // The page prints the organisation's handle, then its display name.
    const [name = '', ...rest] = who.split(' ');
    organization = { name, fullname: rest.length ? rest.join(' ') : name };
  }
  return {
    authorCount: count ? Number(count[1]) : null,
    organization,
    monthName: date[1] ?? '',
    day: Number(date[2]),
    year: date[3] ? Number(date[3]) : null,
    upvotes: date[4] ? Number(date[4]) : null,
  };
}

function parsePage(text: string, titles: readonly string[], ids: readonly IdRecord[]) {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');

  // Where each title sits, in order; every one must be found after the previous.
  const titleAt: number[] = [];
  let cursor = 0;
  titles.forEach((title, i) => {
    const want = normalise(title);
    let j = cursor;
    while (j < lines.length && normalise(lines[j] ?? '') !== want) j++;
    if (j >= lines.length) fail(`title #${i + 1} not found on the page (in order): ${title}`);
    titleAt.push(j);
    cursor = j + 1;
  });

  const header = lines.slice(0, titleAt[0]).map((l) => l.trim());
  const pageDateLine = header.find((l) => PAGE_DATE_RE.test(l));
  if (!pageDateLine) fail('page date ("Mon D") not found above the first paper');
  const pd = PAGE_DATE_RE.exec(pageDateLine);
  const pageDate = isoDate(PAGE_YEAR, pd?.[1] ?? '', Number(pd?.[2]));

  const papers: ParsedPaper[] = titles.map((title, i) => {
    const start = (titleAt[i] ?? 0) + 1;
    const end = titleAt[i + 1] ?? lines.length;
    const paras = paragraphs(lines.slice(start, end));
    const last = paras[paras.length - 1];
    const meta = last ? parseMeta(last) : null;
    if (meta) paras.pop();
    if (paras.length !== 1) {
      fail(
        `paper #${i + 1} "${title}": expected one abstract paragraph, found ${paras.length}` +
          ' (a paper missing from titles.json, or a page layout this script does not know)',
      );
    }
    const summary = normalise((paras[0] ?? []).join(' '));
    if (!summary) fail(`paper #${i + 1} "${title}": empty abstract`);
    const arxivId = ids[i]?.arxivId ?? null;
    let date: string | null = null;
    if (meta) {
      const year = meta.year ?? resolveYear(meta.monthName, meta.day, arxivId, pageDate);
      date = isoDate(year, meta.monthName, meta.day);
    }
    return {
      title: normalise(title),
      summary,
      authorCount: meta?.authorCount ?? null,
      organization: meta?.organization ?? null,
      date,
      upvotes: meta?.upvotes ?? null,
    };
  });
  return { pageDate, papers };
}

function loadSeed(seedDir: string) {
  const read = (name: string) => {
    try {
      return readFileSync(path.join(seedDir, name), 'utf8');
    } catch (err) {
      fail(`cannot read ${path.join(seedDir, name)}: ${(err as Error).message}`);
    }
  };
  const page = read('daily-papers-page.txt');
  const titles: unknown = JSON.parse(read('titles.json'));
  const ids: unknown = JSON.parse(read('arxiv-ids.json'));
  if (!Array.isArray(titles) || !titles.every((t) => typeof t === 'string')) {
    fail('titles.json: expected an array of strings');
  }
  if (!Array.isArray(ids)) fail('arxiv-ids.json: expected an array');
  if (ids.length !== titles.length) {
    fail(`arxiv-ids.json has ${ids.length} entries, titles.json ${titles.length}`);
  }
  const seen = new Set<string>();
  const records: IdRecord[] = ids.map((r: unknown, i: number) => {
    const rec = r as Partial<IdRecord> | null;
    if (!rec || typeof rec.title !== 'string') fail(`arxiv-ids.json #${i + 1}: no title`);
    if (normalise(rec.title) !== normalise(titles[i] as string)) {
      fail(`arxiv-ids.json #${i + 1} is "${rec.title}", titles.json says "${titles[i] as string}"`);
    }
    const id = rec.arxivId ?? null;
    if (id !== null && (typeof id !== 'string' || !ARXIV_ID_RE.test(id))) {
      fail(`arxiv-ids.json #${i + 1}: bad arXiv id ${JSON.stringify(id)}`);
    }
    if (id !== null) {
      if (seen.has(id)) fail(`arxiv-ids.json: duplicate arXiv id ${id}`);
      seen.add(id);
    }
    return { title: rec.title, arxivId: id, source: rec.source ?? null };
  });
  return { page, titles: titles, ids: records };
}

function toHfItems(papers: readonly ParsedPaper[], ids: readonly IdRecord[], pageDate: string) {
  const itemDate = `${pageDate}T00:00:00.000Z`;
  return papers.map((p, i) => {
    const id = ids[i]?.arxivId ?? null;
    const paper: Record<string, unknown> = {};
    if (id) paper.id = id;
    paper.title = p.title;
    paper.summary = p.summary;
    paper.authors = [];
    if (p.authorCount !== null) paper.authorCount = p.authorCount;
    paper.upvotes = p.upvotes ?? 0;
    if (p.date) paper.publishedAt = `${p.date}T00:00:00.000Z`;
    if (p.organization) paper.organization = p.organization;
    const item: Record<string, unknown> = { paper, publishedAt: itemDate, title: p.title, summary: p.summary };
    if (id) item.thumbnail = `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${id}.png`;
    item.numComments = 0;
    item.submittedBy = { name: 'sample', fullname: 'Paperboy sample' };
    return item;
  });
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Greedy word wrap, the way arXiv hard-wraps titles and abstracts. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out;
}

function toAtom(papers: readonly ParsedPaper[], ids: readonly IdRecord[], pageDate: string): string {
  const byId = new Map<string, ParsedPaper>();
  ids.forEach((r, i) => {
    const p = papers[i];
    if (r.arxivId && p) byId.set(r.arxivId, p);
  });
  const idList = ATOM_PAPERS.map((a) => a.id).join(',');
  const feedId = createHash('sha1').update(idList).digest('base64').replace(/[+/=]/g, '');
  const query = `search_query=&amp;id_list=${idList}&amp;start=0&amp;max_results=10`;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">',
    `  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D${encodeURIComponent(idList)}%26start%3D0%26max_results%3D10" rel="self" type="application/atom+xml"/>`,
    `  <title type="html">ArXiv Query: ${query}</title>`,
    `  <id>http://arxiv.org/api/${feedId}</id>`,
    `  <updated>${pageDate}T00:00:00-05:00</updated>`,
    `  <opensearch:totalResults>${ATOM_PAPERS.length}</opensearch:totalResults>`,
    '  <opensearch:startIndex>0</opensearch:startIndex>',
    '  <opensearch:itemsPerPage>10</opensearch:itemsPerPage>',
  ];
  for (const { id, categories } of ATOM_PAPERS) {
    const p = byId.get(id) ?? fail(`Atom sample: ${id} is not in the sample`);
    if (!p.date) fail(`Atom sample: ${id} has no date on the page`);
    const count = p.authorCount ?? fail(`Atom sample: ${id} has no author count on the page`);
    const when = `${p.date}T00:00:00Z`;
    // arXiv indents title continuation lines and starts the abstract with two spaces.
    const title = wrap(p.title, 72).map(escapeXml).join('\n  ');
    const summary = wrap(p.summary, 79).map(escapeXml).join('\n');
    out.push(
      '  <entry>',
      `    <id>http://arxiv.org/abs/${id}v1</id>`,
      `    <updated>${when}</updated>`,
      `    <published>${when}</published>`,
      `    <title>${title}</title>`,
      `    <summary>  ${summary}\n</summary>`,
    );
    for (let k = 0; k < count; k++) {
      out.push('    <author>', `      <name>${String.fromCharCode(65 + k)}. Sample</name>`, '    </author>');
    }
    out.push(
      `    <link href="http://arxiv.org/abs/${id}v1" rel="alternate" type="text/html"/>`,
      `    <link title="pdf" href="http://arxiv.org/pdf/${id}v1" rel="related" type="application/pdf"/>`,
      `    <arxiv:primary_category term="${categories[0]}" scheme="http://arxiv.org/schemas/atom"/>`,
      ...categories.map((c) => `    <category term="${c}" scheme="http://arxiv.org/schemas/atom"/>`),
      '  </entry>',
    );
  }
  out.push('</feed>', '');
  return out.join('\n');
}

function main(): void {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const seedDir = path.resolve(process.argv[2] ?? path.resolve(repoRoot, '../shared/seed'));
  const outDir = path.join(repoRoot, 'data', 'sample');

  const { page, titles, ids } = loadSeed(seedDir);
  const { pageDate, papers } = parsePage(page, titles, ids);
  const items = toHfItems(papers, ids, pageDate);

  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'daily-papers.json'), `${JSON.stringify(items, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'arxiv-atom-sample.xml'), toAtom(papers, ids, pageDate));

  const list = (pred: (p: ParsedPaper, i: number) => boolean) =>
    papers.flatMap((p, i) => (pred(p, i) ? [`#${i + 1} ${p.title}`] : []));
  const report: Array<[string, string[]]> = [
    ['no arXiv id (item has no paper.id)', list((_, i) => !ids[i]?.arxivId)],
    ['organisation instead of an author count', list((p) => p.organization !== null)],
    ['no author count or organisation', list((p) => p.authorCount === null && p.organization === null)],
    ['no date (no paper.publishedAt)', list((p) => p.date === null)],
  ];
  const noUpvotes = papers.filter((p) => p.upvotes === null).length;
  console.error(`page date ${pageDate}; ${items.length} papers written to ${path.relative(repoRoot, outDir)}/`);
  console.error(`upvotes shown for ${papers.length - noUpvotes}, none shown (0 used) for ${noUpvotes}`);
  for (const [label, entries] of report) {
    console.error(`${label}: ${entries.length}${entries.map((e) => `\n  ${e}`).join('')}`);
  }
}

try {
  main();
} catch (err) {
  if (err instanceof SeedError) {
    console.error(`build-sample: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
