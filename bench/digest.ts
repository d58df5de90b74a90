// `npm run bench -- digest [--subscribers 100000] [--lists 8] [--papers 200] [--cpu-prof]`
// One period for N subscribers over 8 lists and 200 papers, sent to an SMTP
// sink in a separate process on loopback. In the same run it measures the
// raw handoff rate: pooled nodemailer (same pool size) sending one
// pre-rendered identical message, in its own process like the worker. The
// worker (planning + sending, the code `paperboy digest` runs) is a child
// process too; its peak RSS is what it reports (getrusage maxRSS) and what
// /proc says (VmHWM), whichever is higher. The worker runs with
// --max-old-space-size=160 (--heap N to change, --heap 0 for V8's default).
// --processes N (default: the number of cores) then sends the period again,
// from scratch, through a pool of N `paperboy worker` processes, as
// WORKER_PROCESSES=N does, and reports it next to the single worker.
// Own database, dropped after.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { createDb, type Db } from '../src/db.js';
import { loadLists, loadWindowPapers } from '../src/digest/content.js';
import { createMatcher, NO_INTERESTS } from '../src/digest/matcher.js';
import { planReader } from '../src/digest/reader-digest.js';
import { createDigestRenderer, loadDigestTemplate } from '../src/digest/renderer.js';
import { applyMigrations, dropDatabase, withDatabaseName } from '../src/migrations/apply-migrations.js';
import { flag } from './machine.js';

const log = (message: string) => process.stderr.write(`${message}\n`);
const here = (file: string) => fileURLToPath(new URL(`./digest/${file}`, import.meta.url));
const TSX = ['--import', 'tsx'];

const LISTS = [
  { slug: 'trending', name: 'Trending', keywords: [] },
  { slug: 'attention', name: 'Attention and transformers', keywords: ['attention', 'transformer'] },
  { slug: 'video', name: 'Video understanding', keywords: ['video'] },
  { slug: 'language-models', name: 'Language models', keywords: ['language model', 'LLM'] },
  { slug: 'memory-time', name: 'Memory and time', keywords: ['memory', 'temporal'] },
  { slug: 'brain', name: 'Brain-inspired AI', keywords: ['brain', 'neural'] },
  { slug: 'diffusion', name: 'Diffusion and generation', keywords: ['diffusion', 'generation'] },
  { slug: 'agents', name: 'Agents and reasoning', keywords: ['agent', 'reasoning'] },
];

async function seed(db: Db, subscribers: number, lists: number, papers: number): Promise<void> {
  const sample = JSON.parse(readFileSync(new URL('../data/sample/daily-papers.json', import.meta.url), 'utf8')) as Array<{
    paper: { id?: string | null; title: string; summary: string; upvotes: number };
  }>;
  for (const list of LISTS.slice(0, lists)) await db.list.create({ data: { ...list, maxPapers: 5 } });
  const now = Date.now();
  await db.paper.createMany({
    data: Array.from({ length: papers }, (_, i) => {
      const base = sample[i % sample.length]!.paper;
      const round = Math.floor(i / sample.length);
      const id = base.id ?? `no-arxiv-${i % sample.length}`;
      const arxivId = round ? `${id}v${round + 1}` : id;
      return {
        key: arxivId,
        arxivId,
        title: round ? `${base.title} (revisited ${round})` : base.title,
        abstract: base.summary,
        authorCount: 1 + (i % 9),
        upvotes: (i * 37) % 120,
        source: 'file',
        firstSeenAt: new Date(now - ((i * 7919) % (20 * 3600)) * 1000),
      };
    }),
  });
  // Each subscriber follows a pseudo-random non-empty subset of the lists.
  await db.$executeRawUnsafe(
    `INSERT INTO "Subscriber" (email, status, timezone, "sendHour", frequency, "confirmedAt", "createdAt", "updatedAt")
     SELECT 'r' || g || '@bench.test', 'active', 'UTC', 7, 'daily', now(), now(), now() FROM generate_series(1, $1) g`,
    subscribers,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "Subscription" ("subscriberId", "listId", "confirmedAt")
     SELECT s.id, l.id, now()
     FROM "Subscriber" s
     JOIN (SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS idx FROM "List") l
       ON ((((s.id::bigint * 2654435761) % $1) + 1) >> l.idx) & 1 = 1`,
    2 ** lists - 1,
  );
}

/** One rendered digest, for the baseline to send again and again. */
async function sampleMessage(db: Db, config: ReturnType<typeof loadConfig>) {
  const now = new Date();
  const [lists, papers] = await Promise.all([loadLists(db), loadWindowPapers(db, new Date(now.getTime() - 86_400_000), now)]);
  const { sections } = planReader(createMatcher({ papers, now }), new Map(lists.map((l) => [l.id, l])), {
    listIds: lists.slice(0, 3).map((l) => l.id),
    interests: NO_INTERESTS,
    frequency: 'daily',
    papersPerEmail: 15,
  });
  const renderer = createDigestRenderer(await loadDigestTemplate(), config);
  const group = renderer.renderGroup({ period: '2026-11-12', sections, papers: new Map(papers.map((p) => [p.id, p])) });
  const links = { view: `${config.publicUrl}/digests/1?t=x`, preferences: `${config.publicUrl}/preferences/x`, unsubscribe: `${config.publicUrl}/unsubscribe/x` };
  const filled = renderer.fillLinks(group, links);
  const raw = Buffer.concat(renderer.personalize(group, { to: 'r0@bench.test', subscriberId: 1, messageId: '<raw@bench.test>', links })).toString('latin1');
  return { ...filled, raw, htmlBytes: Buffer.byteLength(filled.html), papers: group.paperCount };
}

function startSink(): Promise<{ child: ChildProcess; port: number; ask(cmd: string): Promise<{ count: number; bytes?: number }> }> {
  const child = fork(here('sink.ts'), [], { execArgv: TSX, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (cmd: string) =>
    new Promise<{ count: number }>((resolve) => {
      child.once('message', (m) => resolve(m as { count: number }));
      child.send({ cmd });
    });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: (m as { port: number }).port, ask }));
    child.once('exit', (code) => reject(new Error(`sink exited (${code})`)));
  });
}

/** Runs a child to completion; its last stdout line is JSON. Tracks VmHWM meanwhile. */
function runChild(args: string[], env: NodeJS.ProcessEnv, nodeFlags: string[] = []): Promise<{ result: Record<string, unknown>; vmHwmMB: number }> {
  const child = spawn(process.execPath, [...nodeFlags, ...TSX, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let vmHwmMB = 0;
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setInterval(() => {
    readFile(`/proc/${child.pid}/status`, 'utf8').then(
      (status) => {
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        vmHwmMB = Math.max(vmHwmMB, kb / 1024);
      },
      () => undefined, // exited, or not Linux
    );
  }, 100);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      clearInterval(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${args[0]} exited with ${code}: ${out.slice(-1000)}`));
      resolve({ result: JSON.parse(last) as Record<string, unknown>, vmHwmMB });
    });
  });
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const subscribers = flag(args, 'subscribers', 100_000);
  const lists = Math.min(flag(args, 'lists', 8), LISTS.length);
  const papers = flag(args, 'papers', 200);
  const base = loadConfig();
  const poolSize = flag(args, 'pool', base.smtp.poolSize);
  // --heap 0 runs the worker with V8's default heap sizing.
  const heapMB = args.includes('--heap') ? Number(args[args.indexOf('--heap') + 1]) : 160;
  const processes = flag(args, 'processes', availableParallelism());
  const rawCount = flag(args, 'raw-messages', Math.min(20_000, Math.max(2000, subscribers / 10)));
  const databaseUrl = withDatabaseName(base.databaseUrl, `paperboy_bench_digest_${randomBytes(4).toString('hex')}`);
  const prefix = `bench${randomBytes(4).toString('hex')}`;
  const dir = await mkdtemp(join(tmpdir(), 'paperboy-bench-'));
  const sink = await startSink();
  const smtpUrl = `smtp://127.0.0.1:${sink.port}`;
  const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, SMTP_URL: smtpUrl, QUEUE_PREFIX: prefix, PUBLIC_URL: 'https://paperboy.example.org' });
  let db: Db | undefined;
  try {
    log(`digest bench: ${subscribers} subscribers, ${lists} lists, ${papers} papers, SMTP pool ${poolSize}`);
    await applyMigrations({ databaseUrl });
    db = createDb(databaseUrl, { max: 4 });
    await seed(db, subscribers, lists, papers);
    const message = await sampleMessage(db, config);
    const file = join(dir, 'message.json');
    await writeFile(file, JSON.stringify(message));
    log(`seeded; sample digest ${message.papers} papers, ${Math.round(message.htmlBytes / 1024)} KB HTML`);

    const rawMail = await runChild([here('raw-sender.ts'), 'mail', file, String(rawCount), String(poolSize), smtpUrl], process.env);
    const rawPrebuilt = await runChild([here('raw-sender.ts'), 'raw', file, String(rawCount), String(poolSize), smtpUrl], process.env);
    log(`raw handoff: ${Math.round(Number(rawMail.result.perSecond))}/s (nodemailer builds MIME), ${Math.round(Number(rawPrebuilt.result.perSecond))}/s (pre-built)`);

    await sink.ask('reset');
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SMTP_URL: smtpUrl,
      QUEUE_PREFIX: prefix,
      PUBLIC_URL: config.publicUrl,
      SMTP_POOL_SIZE: String(poolSize),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // The pool's workers run schedulers: none may fire during the run.
      DIGEST_CRON: '0 0 1 1 *',
      INGEST_CRON: '0 0 1 1 *',
    };
    // The V8 old-space cap recommended for worker processes (README): without
    // it V8 lets the heap grow to ~3x the live set before collecting.
    // --cpu-prof: the single worker writes a V8 CPU profile there (bench/profile/summarize.ts reads it).
    const profileDir = args.includes('--cpu-prof') ? join(tmpdir(), `paperboy-digest-prof-${prefix}`) : undefined;
    const profileFlags = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    const worker = await runChild([here('worker.ts'), '2026-11-12'], env, [...(heapMB ? [`--max-old-space-size=${heapMB}`] : []), ...profileFlags]);
    const received = await sink.ask('count');
    // The same period again through the pool, from scratch: a later period
    // would find every paper already sent and plan nothing.
    let pooled: { processes: number; emails: number; seconds: number; emailsPerSecond: number; ratioToRaw: number } | null = null;
    if (processes > 1) {
      await db.$executeRawUnsafe('TRUNCATE "Delivery", "Digest" CASCADE');
      await sink.ask('reset');
      const run = await runChild([here('worker.ts'), '2026-11-12', String(processes)], env, heapMB ? [`--max-old-space-size=${heapMB}`] : []);
      const sent = (run.result.summary as { sent: number }).sent;
      const s = Number(run.result.seconds);
      pooled = { processes, emails: sent, seconds: Math.round(s * 10) / 10, emailsPerSecond: Math.round(sent / s), ratioToRaw: Math.round((sent / s / Number(rawMail.result.perSecond)) * 100) / 100 };
      log(`pool of ${processes}: ${pooled.emailsPerSecond}/s`);
    }
    const summary = worker.result.summary as { sent: number; planned: number; failed: number; skipped: number; groups: number };
    const seconds = Number(worker.result.seconds);
    const emailsPerSecond = summary.sent / seconds;
    const rawHandoffPerSecond = Number(rawMail.result.perSecond);
    const peakRssMB = Math.round(Math.max(Number(worker.result.maxRssMB), worker.vmHwmMB) * 10) / 10;
    return {
      subscribers,
      lists,
      papers,
      emails: summary.sent,
      planned: summary.planned,
      skipped: summary.skipped,
      failed: summary.failed,
      contentGroups: summary.groups,
      sinkReceived: received.count,
      seconds: Math.round(seconds * 10) / 10,
      emailsPerSecond: Math.round(emailsPerSecond),
      rawHandoffPerSecond: Math.round(rawHandoffPerSecond),
      rawPrebuiltHandoffPerSecond: Math.round(Number(rawPrebuilt.result.perSecond)),
      ratioToRaw: Math.round((emailsPerSecond / rawHandoffPerSecond) * 100) / 100,
      peakRssMB,
      workerHeapLimitMB: heapMB || null,
      sampleHtmlKB: Math.round(message.htmlBytes / 102.4) / 10,
      smtpPoolSize: poolSize,
      batchSize: config.digestBatchSize,
      workerConcurrency: config.workerConcurrency,
      pooled,
      // The single worker's CPU (all its threads, from getrusage), planning apart: per email it is the figure a loaded machine distorts least.
      workerCpu: worker.result.cpuSeconds,
      workerSendCpuMsPerEmail: Math.round(((worker.result.cpuSeconds as { sending: number }).sending / summary.sent) * 1e6) / 1e3,
      ...(profileDir ? { cpuProfileDir: profileDir } : {}),
    };
  } finally {
    await db?.$disconnect();
    // BENCH_KEEP_DB=1 leaves the database for profiling the worker by hand.
    if (process.env.BENCH_KEEP_DB) log(`kept ${databaseUrl}`);
    else await dropDatabase(databaseUrl).catch(() => {});
    sink.child.kill();
    await rm(dir, { recursive: true, force: true });
  }
}
