// The only reader of process.env. Parsed once with zod; a bad value stops the
// process with a message that names the variable.
import { availableParallelism } from 'node:os';
import { z } from 'zod';

// Public, so they are only ever used where NODE_ENV says this is not a real
// deployment; unset NODE_ENV counts as production (`npm start` sets nothing).
const DEV_SECRETS = {
  SECRET_KEY: 'dev-only-secret-change-me-dev-only-secret',
  ADMIN_TOKEN: 'dev-admin-token-change-me',
} as const;

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: url(['postgresql:', 'postgres:']).default('postgresql://postgres@127.0.0.1:5432/paperboy'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  SMTP_URL: url(['smtp:', 'smtps:']).default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z
    .string()
    .trim()
    .min(3)
    .max(200)
    .regex(/^[^\r\n]+$/, 'must be one line')
    .default('Paperboy <digest@localhost>'),
  /// Address the List-Unsubscribe mailto points at.
  UNSUBSCRIBE_MAILTO: z.string().trim().email().default('unsubscribe@localhost'),
  /// Defaults to http://localhost:$PORT, so links follow the port the server listens on.
  PUBLIC_URL: url(['http:', 'https:'])
    .optional()
    .transform((value) => value?.replace(/\/+$/, '')),
  PORT: int(1, 65535).default(3000),
  /// How long start, serve and worker wait for Postgres before giving up.
  STARTUP_WAIT_SECONDS: int(0, 3600).default(30),
  /// The demo's own inbox web page (0: any free port).
  DEMO_INBOX_PORT: int(0, 65535).default(8025),
  /// Trust X-Forwarded-For from this many proxies (for per-IP rate limits).
  TRUST_PROXY: int(0, 10).default(0),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .default('paperboy'),
  HF_BASE_URL: url(['http:', 'https:'])
    .default('https://huggingface.co')
    .transform((v) => v.replace(/\/+$/, '')),
  ARXIV_BASE_URL: url(['http:', 'https:'])
    .default('https://export.arxiv.org')
    .transform((v) => v.replace(/\/+$/, '')),
  /// Milliseconds between two arXiv API requests; arXiv's terms ask for at least 3 s.
  ARXIV_REQUEST_GAP_MS: int(3000, 60_000).default(3000),
  /// Cron (UTC) for the daily Hugging Face ingest.
  INGEST_CRON: z.string().default('15 * * * *'),
  /// Cron (UTC) for the digest planner; it must tick at least hourly.
  DIGEST_CRON: z.string().default('1 * * * *'),
  SMTP_POOL_SIZE: int(1, 100).default(5),
  /// Messages per second per worker process; 0 means unlimited.
  SMTP_RATE_PER_SECOND: int(0, 100000).default(0),
  DIGEST_BATCH_SIZE: int(1, 5000).default(200),
  /// Digest sending: seconds before a dead sender's claimed deliveries are taken back; first retry delay (ms, doubles).
  DIGEST_LEASE_SECONDS: int(1, 3600).default(60),
  DIGEST_RETRY_DELAY_MS: int(1, 600_000).default(5000),
  /// Cron (UTC) for the repair sweep that re-enqueues digest batches whose job was lost (e.g. Redis lost its data).
  DIGEST_REPAIR_CRON: z.string().default('*/5 * * * *'),
  /// BullMQ job lock: a killed worker's job is retried after about this long.
  WORKER_LOCK_MS: int(1000, 600_000).default(30_000),
  WORKER_CONCURRENCY: int(1, 64).default(4),
  /// Worker processes `start` and `worker` run (one per core by default); 1 runs the worker in-process.
  WORKER_PROCESSES: int(1, 64).default(() => availableParallelism()),
  SIGNUP_LIMIT_PER_IP: int(1, 1_000_000).default(20),
  SIGNUP_LIMIT_PER_ADDRESS: int(1, 1000).default(5),
  SIGNUP_LIMIT_WINDOW_SECONDS: int(1, 86400).default(3600),
  /// Wrong admin tokens one IP may present per 15 minutes before it gets 429.
  ADMIN_AUTH_FAILURE_LIMIT: int(1, 1_000_000).default(20),
  /// Bearer token for GET /metrics (an admin token with the read scope works too).
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /// Admin console sign-ins last this long; signing in again starts a new one.
  CONSOLE_SESSION_MINUTES: int(5, 7 * 24 * 60).default(480),
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
  // Mail coming back and several relays (src/inbound, src/mail/relays.ts).
  /// Comma-separated relays, tried in order; SMTP_URL is used when unset.
  SMTP_URLS: z.string().optional(),
  /// Messages per relay per window, shared by every worker through Redis; 0 means unlimited.
  SMTP_RELAY_RATE_LIMIT: int(0, 1_000_000).default(0),
  SMTP_RELAY_RATE_WINDOW_SECONDS: int(1, 86400).default(1),
  /// A relay that fails this many times in a row (connection or 4xx) is set aside for SMTP_RELAY_COOLDOWN_SECONDS.
  SMTP_RELAY_FAILURES: int(1, 100).default(3),
  SMTP_RELAY_COOLDOWN_SECONDS: int(1, 86400).default(60),
  BOUNCE_DOMAIN: z
    .string()
    .trim()
    .regex(/^[a-z0-9.-]+$/i, 'must be a domain name')
    .optional(),
  INBOUND_SMTP_PORT: int(1, 65535).default(2525),
  INBOUND_MAX_MESSAGE_BYTES: int(1024, 50 * 1024 * 1024).default(2 * 1024 * 1024),
  INBOUND_MAX_CONNECTIONS: int(1, 10_000).default(20),
  INBOUND_MESSAGES_PER_MINUTE: int(1, 1_000_000).default(120),
  /// Soft bounces (4.x.x) within the window after which a subscriber is bounced.
  SOFT_BOUNCE_LIMIT: int(1, 100).default(5),
  SOFT_BOUNCE_WINDOW_DAYS: int(1, 365).default(14),
  SES_TOPIC_ARNS: z.string().optional(),
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().optional(),
  MAILGUN_WEBHOOK_SIGNING_KEY: z.string().optional(),
  POSTMARK_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
});

export type Env = z.input<typeof schema>;
type Parsed = z.output<typeof schema>;

export interface Config {
  env: Parsed['NODE_ENV'];
  logLevel: Parsed['LOG_LEVEL'];
  databaseUrl: string;
  redisUrl: string;
  smtpUrl: string;
  mailFrom: string;
  unsubscribeMailto: string;
  publicUrl: string;
  port: number;
  demoInboxPort: number;
  startupWaitSeconds: number;
  trustProxy: number;
  secretKey: string;
  adminToken: string;
  queuePrefix: string;
  hfBaseUrl: string;
  arxivBaseUrl: string;
  arxivRequestGapMs: number;
  ingestCron: string;
  digestCron: string;
  smtp: { poolSize: number; ratePerSecond: number };
  digestBatchSize: number;
  digestLeaseSeconds: number;
  digestRetryDelayMs: number;
  digestRepairCron: string;
  workerLockMs: number;
  workerConcurrency: number;
  workerProcesses: number;
  signupLimits: { perIp: number; perAddress: number; windowSeconds: number };
  adminAuthFailureLimit: number;
  metricsToken?: string;
  consoleSessionMinutes: number;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  deliverability: Deliverability;
  /** Start-up warnings the entry points log loudly (e.g. DKIM off in production). */
  warnings: string[];
}

export interface Deliverability {
  /** Every relay, in order of preference (SMTP_URLS, else SMTP_URL). */
  smtpUrls: string[];
  relayRate: { limit: number; windowSeconds: number };
  relayFailures: number;
  relayCooldownSeconds: number;
  /** Domain of the VERP envelope sender bounces+<token>@domain. */
  bounceDomain: string;
  inbound: { port: number; maxMessageBytes: number; maxConnections: number; messagesPerMinute: number };
  softBounces: { limit: number; windowDays: number };
  webhooks: { sesTopicArns: string[]; sendgridPublicKey?: string; mailgunSigningKey?: string; postmarkSecret?: string };
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset", as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = result.data;
  const secrets = resolveSecrets(e, cleaned.NODE_ENV ? `NODE_ENV=${e.NODE_ENV}` : 'NODE_ENV unset');
  requireHttpsSources(e);
  const dkimParts = [e.DKIM_DOMAIN, e.DKIM_SELECTOR, e.DKIM_PRIVATE_KEY];
  if (dkimParts.some(Boolean) && !dkimParts.every(Boolean)) {
    throw new ConfigError(
      'Invalid configuration:\n  DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY: set all three or none',
    );
  }
  const smtpUrls = parseSmtpUrls(e.SMTP_URLS) ?? [e.SMTP_URL];
  const fromDomain = domainOf(e.MAIL_FROM);
  const warnings = e.NODE_ENV === 'production' ? productionChecks(e) : [];
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    unsubscribeMailto: e.UNSUBSCRIBE_MAILTO,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    port: e.PORT,
    demoInboxPort: e.DEMO_INBOX_PORT,
    startupWaitSeconds: e.STARTUP_WAIT_SECONDS,
    trustProxy: e.TRUST_PROXY,
    secretKey: secrets.SECRET_KEY,
    adminToken: secrets.ADMIN_TOKEN,
    queuePrefix: e.QUEUE_PREFIX,
    hfBaseUrl: e.HF_BASE_URL,
    arxivBaseUrl: e.ARXIV_BASE_URL,
    arxivRequestGapMs: e.ARXIV_REQUEST_GAP_MS,
    ingestCron: e.INGEST_CRON,
    digestCron: e.DIGEST_CRON,
    smtp: { poolSize: e.SMTP_POOL_SIZE, ratePerSecond: e.SMTP_RATE_PER_SECOND },
    digestBatchSize: e.DIGEST_BATCH_SIZE,
    digestLeaseSeconds: e.DIGEST_LEASE_SECONDS,
    digestRetryDelayMs: e.DIGEST_RETRY_DELAY_MS,
    digestRepairCron: e.DIGEST_REPAIR_CRON,
    workerLockMs: e.WORKER_LOCK_MS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerProcesses: e.WORKER_PROCESSES,
    signupLimits: {
      perIp: e.SIGNUP_LIMIT_PER_IP,
      perAddress: e.SIGNUP_LIMIT_PER_ADDRESS,
      windowSeconds: e.SIGNUP_LIMIT_WINDOW_SECONDS,
    },
    adminAuthFailureLimit: e.ADMIN_AUTH_FAILURE_LIMIT,
    metricsToken: e.METRICS_TOKEN,
    consoleSessionMinutes: e.CONSOLE_SESSION_MINUTES,
    dkim:
      e.DKIM_DOMAIN && e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY
        ? {
            domainName: e.DKIM_DOMAIN,
            keySelector: e.DKIM_SELECTOR,
            privateKey: e.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n'),
          }
        : undefined,
    deliverability: {
      smtpUrls,
      relayRate: { limit: e.SMTP_RELAY_RATE_LIMIT, windowSeconds: e.SMTP_RELAY_RATE_WINDOW_SECONDS },
      relayFailures: e.SMTP_RELAY_FAILURES,
      relayCooldownSeconds: e.SMTP_RELAY_COOLDOWN_SECONDS,
      bounceDomain: (e.BOUNCE_DOMAIN ?? fromDomain).toLowerCase(),
      inbound: {
        port: e.INBOUND_SMTP_PORT,
        maxMessageBytes: e.INBOUND_MAX_MESSAGE_BYTES,
        maxConnections: e.INBOUND_MAX_CONNECTIONS,
        messagesPerMinute: e.INBOUND_MESSAGES_PER_MINUTE,
      },
      softBounces: { limit: e.SOFT_BOUNCE_LIMIT, windowDays: e.SOFT_BOUNCE_WINDOW_DAYS },
      webhooks: {
        sesTopicArns: (e.SES_TOPIC_ARNS ?? '')
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
        sendgridPublicKey: e.SENDGRID_WEBHOOK_PUBLIC_KEY,
        mailgunSigningKey: e.MAILGUN_WEBHOOK_SIGNING_KEY,
        postmarkSecret: e.POSTMARK_WEBHOOK_SECRET,
      },
    },
    warnings,
  };
}

function refuse(problem: string): never {
  throw new ConfigError(`Invalid configuration:\n  ${problem}`);
}

function parseSmtpUrls(value: string | undefined): string[] | undefined {
  const urls = (value ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (!urls.length) return undefined;
  for (const u of urls) {
    if (!url(['smtp:', 'smtps:']).safeParse(u).success)
      refuse('SMTP_URLS: each entry must be a URL starting with smtp:// or smtps://');
  }
  return urls;
}

/** The domain of "Name <a@b>" or "a@b", lower-cased. */
export function domainOf(address: string): string {
  const bare = /<([^<>]+)>/.exec(address)?.[1] ?? address;
  return (bare.split('@').pop() ?? '').trim().toLowerCase();
}

/**
 * Relaxed DMARC alignment without a public-suffix list: the same domain, or
 * one a subdomain of the other (mail.example.org signs for example.org).
 */
export function alignedDomains(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Refuses settings that would send mail that bounces or is junked; returns what only deserves a warning. */
function productionChecks(e: Parsed): string[] {
  const publicUrl = new URL(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`);
  if (publicUrl.protocol === 'http:' && !LOOPBACK.test(publicUrl.hostname)) {
    refuse(
      'PUBLIC_URL: must be https in production (http only for a loopback host); set PUBLIC_URL=https://<your domain>',
    );
  }
  for (const name of ['MAIL_FROM', 'UNSUBSCRIBE_MAILTO'] as const) {
    const domain = domainOf(e[name]);
    if (domain === 'localhost' || !domain) {
      refuse(
        `${name}: an address @${domain || 'nothing'} cannot receive mail; set ${name} to an address at your sending domain`,
      );
    }
  }
  if (e.DKIM_DOMAIN && !alignedDomains(e.DKIM_DOMAIN, domainOf(e.MAIL_FROM))) {
    refuse(
      `DKIM_DOMAIN: ${e.DKIM_DOMAIN} is not aligned with the MAIL_FROM domain ${domainOf(e.MAIL_FROM)}; set DKIM_DOMAIN to that domain or a parent of it`,
    );
  }
  return e.DKIM_DOMAIN
    ? []
    : [
        'DKIM is OFF: Gmail and Yahoo junk or refuse unsigned bulk mail. Set DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY.',
      ];
}

/** The secrets, falling back to the public defaults only in development and test. */
function resolveSecrets(e: Parsed, envLabel: string): Record<keyof typeof DEV_SECRETS, string> {
  const local = e.NODE_ENV === 'development' || e.NODE_ENV === 'test';
  const names = Object.keys(DEV_SECRETS) as (keyof typeof DEV_SECRETS)[];
  // Setting a public default explicitly is as open as leaving it unset.
  const missing = local ? [] : names.filter((name) => !e[name] || e[name] === DEV_SECRETS[name]);
  if (missing.length > 0) {
    const problems = missing.map(
      (name) =>
        `${name}: must be set to a private value (${envLabel}; the public default works only with NODE_ENV=development or test)`,
    );
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return Object.fromEntries(names.map((name) => [name, e[name] ?? DEV_SECRETS[name]])) as Record<
    keyof typeof DEV_SECRETS,
    string
  >;
}

/** In production, paper sources are fetched over https; plain http only from this machine (a local mirror or proxy). */
function requireHttpsSources(e: Parsed): void {
  if (e.NODE_ENV !== 'production') return;
  const problems = (['HF_BASE_URL', 'ARXIV_BASE_URL'] as const)
    .filter((name) => {
      const url = new URL(e[name]);
      return url.protocol !== 'https:' && !LOOPBACK.test(url.hostname);
    })
    .map((name) => `${name}: must be an https URL in production (http only for a loopback host)`);
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
}
