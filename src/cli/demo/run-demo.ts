// `npm run demo`: migrate, ingest the sample papers, create the default
// lists, subscribe a demo reader, send today's digest, print where to read
// it, then keep serving (or exit with --once). It speaks in plain lines on
// stdout; log lines (stderr) are shown only with --verbose.
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { Config } from '../../config.js';
import { createContext, type Context } from '../../context.js';
import { currentPeriod } from '../../digest/period.js';
import { runDigestPeriod } from '../../jobs/digest-run.js';
import { createLogger } from '../../logger.js';
import { createMailTransport } from '../../mail/transport.js';
import { applyMigrations } from '../../migrations/apply-migrations.js';
import { ingestPapers } from '../../papers/ingest.js';
import { digestViewLink } from '../../subscriptions/links.js';
import { saveSubscriber } from '../../subscriptions/save-subscriber.js';
import { parseFlags } from '../flags.js';
import { checkPostgres, maskUrl } from '../preflight.js';
import { runUntilSignal, startServer, startWorker } from '../run.js';
import { usageError } from '../usage.js';
import { ensureDefaultLists } from './default-lists.js';
import { startInbox, type Inbox } from './inbox.js';

export const SAMPLE_PAPERS = fileURLToPath(new URL('../../../data/sample/daily-papers.json', import.meta.url));
export const DEMO_READER = 'reader@example.com';
const INBOX_FOLDER = 'demo-output';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function smtpReachable(config: Config): Promise<boolean> {
  const probe = createMailTransport({ smtpUrl: config.smtpUrl, poolSize: 1, ratePerSecond: 0 });
  try {
    await probe.verify();
    return true;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

/** Uses the SMTP relay at SMTP_URL when one answers; else opens an inbox on its port. */
async function prepareMail(config: Config): Promise<Inbox | undefined> {
  if (await smtpReachable(config)) {
    say(`Mail goes to the SMTP server at ${maskUrl(config.smtpUrl)}: read the demo's mail there.`);
    return undefined;
  }
  const url = new URL(config.smtpUrl);
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(url.hostname)) {
    throw new Error(`SMTP_URL ${url.host} does not answer; the demo only starts its own inbox on this machine`);
  }
  // A busy DEMO_INBOX_PORT is no reason to stop the demo: any free port will do, and it is printed.
  const inbox = await startInbox({
    smtpPort: Number(url.port || 25),
    webPort: config.demoInboxPort,
    folder: INBOX_FOLDER,
  }).catch(() => startInbox({ smtpPort: Number(url.port || 25), webPort: 0, folder: INBOX_FOLDER }));
  say(`No SMTP server at ${maskUrl(config.smtpUrl)}: the demo inbox took its place.`);
  say(`Read the demo's mail at ${inbox.webUrl} (also saved under ${INBOX_FOLDER}/).`);
  return inbox;
}

async function sendDemoDigest(ctx: Context): Promise<void> {
  const ingest = await ingestPapers(ctx, { source: 'file', path: SAMPLE_PAPERS });
  say(`Sample papers: ${ingest.fetched} read, ${ingest.created} new, ${ingest.updated} updated.`);
  const slugs = await ensureDefaultLists(ctx.db);
  const reader = await saveSubscriber(ctx, {
    email: DEMO_READER,
    lists: slugs,
    status: 'active',
    evidence: { action: 'admin', formVersion: 'demo' },
  });
  const period = currentPeriod('UTC');
  const summary = await runDigestPeriod(ctx, period);
  say(
    `Digest ${period}: planned ${summary.planned}, sent ${summary.sent}, skipped ${summary.skipped}, failed ${summary.failed}.`,
  );
  const delivery = await ctx.db.delivery.findFirst({
    where: { subscriberId: reader.subscriberId, digest: { period } },
    select: { id: true, status: true },
  });
  if (delivery?.status === 'sent') {
    if (!summary.sent) say(`Today's digest for ${DEMO_READER} was sent by an earlier run.`);
    say(`Read it in the browser: ${digestViewLink(ctx.config, reader.subscriberId, delivery.id)}`);
  }
}

export async function runDemo(args: string[], config: Config): Promise<void> {
  const flags = parseFlags(args, { once: { type: 'boolean' }, verbose: { type: 'boolean' } });
  if (typeof flags === 'string') return usageError('demo', flags);
  const once = flags.once ?? false;
  await checkPostgres(config, { allowMissingDatabase: true, requireMigrated: false });
  const { applied } = await applyMigrations({ databaseUrl: config.databaseUrl });
  say(`Database ready (${applied.length} migrations applied).`);
  const inbox = await prepareMail(config);
  const ctx = createContext(config, {
    logger: createLogger(flags.verbose ? config.logLevel : 'warn', pino.destination(2)),
  });
  await sendDemoDigest(ctx);
  if (inbox) {
    for (const m of inbox.messages) say(`  inbox: ${m.subject} → ${m.htmlPath} (${inbox.webUrl}/messages/${m.id})`);
  }
  if (once) {
    await ctx.close();
    await inbox?.stop();
    return;
  }
  say(`Serving ${config.publicUrl} — sign up on the landing page; Ctrl-C stops.`);
  await runUntilSignal(ctx, [startServer, startWorker]);
}
