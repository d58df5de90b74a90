// Papers, sections and links for rendering tests (no database): what the
// renderer, byte-budget, SpamAssassin and browser tests draw emails from.
import { readFileSync } from 'node:fs';
import { createMatcher, NO_INTERESTS } from '../../src/digest/matcher.js';
import { planReader, type Section } from '../../src/digest/reader-digest.js';
import {
  createDigestRenderer,
  loadDigestTemplate,
  type DigestPaper,
  type DigestRenderer,
  type RendererDeps,
} from '../../src/digest/renderer.js';

export const renderConfig = {
  publicUrl: 'https://papers.example.org',
  mailFrom: 'Paperboy Digest <digest@papers.example.org>',
  unsubscribeMailto: 'unsubscribe@papers.example.org',
};
export const now = new Date('2026-11-12T07:00:00Z');
export const links = {
  view: 'https://papers.example.org/digests/41?t=view.tok',
  preferences: 'https://papers.example.org/preferences/manage.tok',
  unsubscribe: 'https://papers.example.org/unsubscribe/unsub.tok',
};
export const feedbackUrl: NonNullable<RendererDeps['feedbackUrl']> = ({ subscriberId, paperId, vote }) =>
  `https://papers.example.org/feedback/${subscriberId}.${paperId}.${vote}.sig`;

export type TestPaper = DigestPaper & { keywords: string[]; categories: string[]; firstSeenAt: Date; hidden: boolean };

export function papersOf(
  count: number,
  title = (i: number) => `Paper ${i} on attention`,
  overrides: Partial<TestPaper> = {},
): TestPaper[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    arxivId: `2611.${String(i).padStart(5, '0')}`,
    title: title(i + 1),
    // Real abstracts run to ~1,900 characters; cards cut them.
    abstract: 'We study attention in long contexts and show that it is what you need. '.repeat(30),
    authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'],
    authorCount: 4,
    organization: 'Example Lab',
    upvotes: 100 - i,
    url: null,
    pdfUrl: null,
    githubRepo: 'example/repo',
    projectPage: 'https://example.org/project',
    keywords: [],
    categories: [],
    firstSeenAt: new Date(now.getTime() - 3600_000),
    hidden: false,
    ...overrides,
  }));
}

export function sectionsFor(papers: TestPaper[], maxPapers = 15): Section[] {
  const lists = [
    {
      id: 1,
      name: 'Attention & Transformers',
      keywords: ['attention'],
      categories: [],
      exclude: [],
      authors: [],
      minUpvotes: 0,
      maxPapers,
    },
  ];
  const profile = { listIds: [1], interests: NO_INTERESTS, frequency: 'daily' as const, papersPerEmail: 1000 };
  return planReader(createMatcher({ papers, now }), new Map(lists.map((l) => [l.id, l])), profile).sections;
}

export async function testRenderer(deps: RendererDeps = {}): Promise<DigestRenderer> {
  return createDigestRenderer(await loadDigestTemplate(), renderConfig, deps);
}

export function renderPapers(
  renderer: DigestRenderer,
  papers: TestPaper[],
  options: { maxPapers?: number; first?: boolean; moreCount?: number } = {},
) {
  return renderer.renderGroup({
    period: '2026-11-12',
    sections: sectionsFor(papers, options.maxPapers),
    papers: new Map<number, DigestPaper>(papers.map((p) => [p.id, p])),
    first: options.first,
    moreCount: options.moreCount,
  });
}

export const rawOf = (chunks: Buffer[]) => Buffer.concat(chunks).toString('latin1');

interface SampleItem {
  paper: { title: string; summary: string; upvotes: number };
}

/** Papers with the titles, abstracts and upvotes of the shipped sample, all matching "attention". */
export function samplePapers(count: number): TestPaper[] {
  const sample = (
    JSON.parse(readFileSync(new URL('../../data/sample/daily-papers.json', import.meta.url), 'utf8')) as SampleItem[]
  ).slice(0, count);
  return papersOf(sample.length, (i) => sample[i - 1]!.paper.title).map((p, i) => ({
    ...p,
    abstract: `${sample[i]!.paper.summary} (attention)`,
    upvotes: sample[i]!.paper.upvotes,
  }));
}
