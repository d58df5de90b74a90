// `npm run bench -- ingest [--papers 10000]`: ingests generated papers in the
// Hugging Face daily-papers format from a file (read, parse, validate,
// normalise, upsert), twice: the first run inserts every paper, the second
// (every upvote count changed) updates every paper. Runs in its own database,
// migrated from scratch and dropped afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createDb } from '../src/db.js';
import { applyMigrations, dropDatabase, withDatabaseName } from '../src/migrations/apply-migrations.js';
import { ingestPapers, type IngestSummary } from '../src/papers/ingest.js';
import { flag, trackPeakRss } from './machine.js';

const log = (message: string) => process.stderr.write(`${message}\n`);

const WORDS = (
  'model language learning attention transformer reasoning diffusion agent benchmark retrieval vision ' +
  'sparse memory training inference scaling data alignment reward policy token context graph robust'
).split(' ');

function sentence(seed: number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[(seed * 31 + i * 17 + ((seed >> 3) ^ i)) % WORDS.length]!);
  return out.join(' ');
}

/** One item shaped like the API's, with realistic sizes (a ~1.3 KB abstract, wrapped). */
function generateItem(i: number, upvoteBase: number) {
  const id = `26${String(1 + (i % 12)).padStart(2, '0')}.${String(10000 + i).padStart(5, '0')}`;
  const summary = Array.from({ length: 12 }, (_, line) => sentence(i + line, 16)).join('\n');
  return {
    paper: {
      id,
      title: `${sentence(i, 9)} ${i}`,
      summary,
      authors: Array.from({ length: 1 + (i % 9) }, (_, a) => ({
        _id: `${i}-${a}`,
        name: `Author ${a} of ${i}`,
        hidden: false,
      })),
      upvotes: upvoteBase + (i % 500),
      publishedAt: new Date(Date.UTC(2026, 0, 1 + (i % 300))).toISOString(),
      ai_keywords: [WORDS[i % WORDS.length], WORDS[(i + 7) % WORDS.length], WORDS[(i + 13) % WORDS.length]],
      ...(i % 4 === 0 ? { githubRepo: `https://github.com/example/repo-${i}` } : {}),
      ...(i % 5 === 0 ? { organization: { name: `org${i % 40}`, fullname: `Organisation ${i % 40}` } } : {}),
    },
    publishedAt: '2026-11-12T00:00:00.000Z',
    title: `${sentence(i, 9)} ${i}`,
    summary,
    thumbnail: `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${id}.png`,
    numComments: i % 7,
    submittedBy: { _id: 'bench', name: 'bench', fullname: 'Bench', type: 'user' },
  };
}

/** Writes the document item by item, so the generator's garbage does not inflate the peak RSS measured later. */
async function writeDocument(file: string, papers: number, upvoteBase: number): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (let i = 0; i < papers; i++)
      await handle.write(`${i === 0 ? '[' : ','}${JSON.stringify(generateItem(i, upvoteBase))}`);
    await handle.write(']');
  } finally {
    await handle.close();
  }
}

async function timedRun(file: string, db: ReturnType<typeof createDb>, config: ReturnType<typeof loadConfig>) {
  const started = process.hrtime.bigint();
  const summary = await ingestPapers(
    { db, config, fetch: { maxBytes: 512 * 1024 * 1024 } },
    { source: 'file', path: file },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { summary, seconds: Math.round(seconds * 1000) / 1000 };
}

function check(summary: IngestSummary, field: 'created' | 'updated', papers: number): void {
  if (summary[field] !== papers || summary.skipped.length > 0) {
    throw new Error(
      `expected ${papers} ${field}, got ${JSON.stringify({ ...summary, skipped: summary.skipped.slice(0, 3) })}`,
    );
  }
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const papers = flag(args, 'papers', 10_000);
  const config = loadConfig();
  const databaseUrl = withDatabaseName(config.databaseUrl, `paperboy_bench_ingest_${randomBytes(4).toString('hex')}`);
  const dir = await mkdtemp(join(tmpdir(), 'paperboy-bench-ingest-'));
  const file = join(dir, 'daily-papers.json');
  log(`migrating a fresh database for ${papers} papers…`);
  await applyMigrations({ databaseUrl });
  const db = createDb(databaseUrl, { max: 2 });
  try {
    await writeDocument(file, papers, 0);
    const rss = trackPeakRss();
    log('run 1: every paper is new…');
    const insert = await timedRun(file, db, config);
    check(insert.summary, 'created', papers);
    log(`  ${insert.seconds} s`);

    await writeDocument(file, papers, 1000);
    log('run 2: every paper is known, every upvote count changed…');
    const update = await timedRun(file, db, config);
    check(update.summary, 'updated', papers);
    log(`  ${update.seconds} s`);
    const peakRssMB = rss.stop();

    return {
      papers,
      seconds: insert.seconds,
      papersPerSecond: Math.round(papers / insert.seconds),
      updateSeconds: update.seconds,
      updatePapersPerSecond: Math.round(papers / update.seconds),
      peakRssMB,
      targetSeconds: 10,
      withinTarget: insert.seconds < 10 && update.seconds < 10,
    };
  } finally {
    await db.$disconnect();
    await dropDatabase(databaseUrl);
    await rm(dir, { recursive: true, force: true });
  }
}
