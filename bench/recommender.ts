// `npm run bench -- recommender [--readers 300]`: what "Recommended for you"
// costs per reader in one planning run. The papers are real: the labelled
// set (data/relevance) and the shipped sample (data/sample), 123 distinct
// texts. Each simulated reader casts a relevance profile's 5 ratings and has
// already been sent a different fifth of the papers, so that, as in
// planning, no two readers have the same candidates. The same readers are
// served twice: each with a tf-idf space and a model fitted from their own
// candidates (planning did that before), and all from one corpus over the
// run's papers (RecommenderCorpus, as planning does now). The two spaces
// differ in their idf, so it reports how often both chose the same papers.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import {
  createRecommenderCorpus,
  recommend,
  type RecommendInput,
  type RecommendPaper,
} from '../src/digest/recommender.js';
import { flag } from './machine.js';
import { loadLabelledSet, simulatedRatings } from './relevance/dataset.js';

interface SampleItem {
  paper?: { id?: string; title: string; summary: string; ai_keywords?: string[] };
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function timed(
  inputs: RecommendInput[],
  serve: (input: RecommendInput) => unknown[],
): { ms: number; results: unknown[][] } {
  const started = performance.now();
  const results = inputs.map(serve);
  return { ms: performance.now() - started, results };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const readers = flag(args, 'readers', 300);
  const { papers: labelled, profiles } = await loadLabelledSet();
  const sample = (
    JSON.parse(await readFile(new URL('../data/sample/daily-papers.json', import.meta.url), 'utf8')) as SampleItem[]
  ).flatMap((item) =>
    item.paper?.id
      ? [{ title: item.paper.title, abstract: item.paper.summary, keywords: item.paper.ai_keywords ?? [] }]
      : [],
  );
  const texts: RecommendPaper[] = [
    ...labelled.map((p) => ({ title: p.title, abstract: p.abstract, keywords: [] })),
    ...sample,
  ].map((p, i) => ({ ...p, id: i + 1 }));
  const byLabel = new Map(labelled.map((p, i) => [p.id, texts[i]!]));
  const inputs: RecommendInput[] = Array.from({ length: readers }, (_, r) => {
    const ratings = simulatedRatings(profiles[r % profiles.length]!, labelled);
    const liked = ratings.liked.map((p) => byLabel.get(p.id)!);
    const disliked = ratings.disliked.map((p) => byLabel.get(p.id)!);
    const rated = new Set([...liked, ...disliked].map((p) => p.id));
    const candidates = texts.filter((p) => !rated.has(p.id) && (p.id * 7 + r) % 5 !== 0);
    return { candidates, liked, disliked, limit: 10 };
  });
  log(
    `${texts.length} papers, ${readers} readers, ${round(inputs.reduce((n, i) => n + i.candidates.length, 0) / readers, 1)} candidates each`,
  );

  // Warm both paths up (JIT, the stemmer's cache) before timing either.
  const runCorpus = () => {
    const corpus = createRecommenderCorpus(texts);
    return (input: RecommendInput) => corpus.recommend(input);
  };
  timed(inputs.slice(0, 20), recommend);
  timed(inputs.slice(0, 20), runCorpus());
  const perReader = timed(inputs, recommend);
  // The corpus is built inside the timing: a planning run pays for it too.
  let serve: ((input: RecommendInput) => unknown[]) | undefined;
  const shared = timed(inputs, (input) => (serve ??= runCorpus())(input));
  const chosen = (picks: unknown[]) =>
    JSON.stringify((picks as Array<{ paperId: number }>).map((r) => r.paperId).sort());
  const samePicks = perReader.results.filter((picks, r) => chosen(picks) === chosen(shared.results[r]!)).length;
  const figures = {
    papers: texts.length,
    readers,
    perReaderFitMsPerReader: round(perReader.ms / readers),
    runCorpusMsPerReader: round(shared.ms / readers),
    speedup: round(perReader.ms / shared.ms),
    // Readers given the same set of papers by both: the idf over the run's papers moves some ranks.
    samePicksShare: round(samePicks / readers),
  };
  log(
    `fitted per reader: ${figures.perReaderFitMsPerReader} ms/reader; one corpus for the run: ${figures.runCorpusMsPerReader} ms/reader (${figures.speedup}×); same picks for ${Math.round(figures.samePicksShare * 100)} % of readers`,
  );
  return figures;
}
