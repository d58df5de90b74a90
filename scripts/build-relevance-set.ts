// `npx tsx scripts/build-relevance-set.ts`: writes data/relevance/papers.json,
// the papers of the relevance benchmark, from the real papers the repository
// already ships. Deterministic; see data/relevance/README.md for what each
// source contributes and what is missing.
import { writeFile } from 'node:fs/promises';
import { readPaperFile } from '../src/papers/file-source.js';
import type { PaperRecord } from '../src/papers/paper.js';

const ROOT = new URL('../', import.meta.url);
const SOURCES = [
  'data/sample/daily-papers.json',
  'test/fixtures/hf/daily-papers-2025-09-08.json',
  'test/fixtures/arxiv/query-cs-lg.xml',
];
// The third entry of the arXiv fixture was made up to carry XML entities: not a real paper.
const NOT_REAL = new Set(['2409.01234']);

export interface RelevancePaper {
  id: string;
  arxivId: string | null;
  title: string;
  abstract: string;
  /** Empty: no source at hand carries arXiv-checked categories (README). */
  categories: string[];
  authors: string[];
  upvotes: number;
  source: string;
}

async function main(): Promise<void> {
  const papers = new Map<string, RelevancePaper>();
  for (const source of SOURCES) {
    const batch = await readPaperFile(new URL(source, ROOT).pathname, 32 * 1024 * 1024);
    for (const { paper } of batch.papers) {
      // The first source to carry a paper wins: the sample set has full abstracts.
      if (NOT_REAL.has(paper.arxivId ?? '') || papers.has(paper.key)) continue;
      papers.set(paper.key, toRelevancePaper(paper, source));
    }
  }
  const out = new URL('data/relevance/papers.json', ROOT);
  await writeFile(out, `${JSON.stringify([...papers.values()], null, 1)}\n`);
  process.stderr.write(`wrote ${papers.size} papers to ${out.pathname}\n`);
}

function toRelevancePaper(paper: PaperRecord, source: string): RelevancePaper {
  return {
    id: paper.key,
    arxivId: paper.arxivId,
    title: paper.title,
    abstract: paper.abstract,
    categories: [],
    authors: paper.authors,
    // Only the sample set's counts were read off a real page; the fixtures' are not checked.
    upvotes: source.startsWith('data/sample/') ? (paper.upvotes ?? 0) : 0,
    source,
  };
}

await main();
