// The only reader of process.env. Parsed once with zod; a bad value stops the
// process with a message that names the variable.
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
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: url(['postgresql:', 'postgres:']).default('postgresql://postgres@127.0.0.1:5432/paperboy'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  SMTP_URL: url(['smtp:', 'smtps:']).default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().trim().min(3).max(200).regex(/^[^\r\n]+$/, 'must be one line').default('Paperboy <digest@localhost>'),
  /// Address the List-Unsubscribe mailto points at.
  UNSUBSCRIBE_MAILTO: z.string().trim().email().default('unsubscribe@localhost'),
  PUBLIC_URL: url(['http:', 'https:'])
    .default('http://localhost:3000')
    .transform((value) => value.replace(/\/+$/, '')),
  PORT: int(1, 65535).default(3000),
  /// Trust X-Forwarded-For from this many proxies (for per-IP rate limits).
  TRUST_PROXY: int(0, 10).default(0),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .default('paperboy'),
  HF_BASE_URL: url(['http:', 'https:']).default('https://huggingface.co').transform((v) => v.replace(/\/+$/, '')),
  ARXIV_BASE_URL: url(['http:', 'https:']).default('https://export.arxiv.org').transform((v) => v.replace(/\/+$/, '')),
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
  SIGNUP_LIMIT_PER_IP: int(1, 1_000_000).default(20),
  SIGNUP_LIMIT_PER_ADDRESS: int(1, 1000).default(5),
  SIGNUP_LIMIT_WINDOW_SECONDS: int(1, 86400).default(3600),
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
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
  signupLimits: { perIp: number; perAddress: number; windowSeconds: number };
  dkim?: { domainName: string; keySelector: string; privateKey: string };
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
  const dkimParts = [e.DKIM_DOMAIN, e.DKIM_SELECTOR, e.DKIM_PRIVATE_KEY];
  if (dkimParts.some(Boolean) && !dkimParts.every(Boolean)) {
    throw new ConfigError('Invalid configuration:\n  DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY: set all three or none');
  }
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    unsubscribeMailto: e.UNSUBSCRIBE_MAILTO,
    publicUrl: e.PUBLIC_URL,
    port: e.PORT,
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
    signupLimits: {
      perIp: e.SIGNUP_LIMIT_PER_IP,
      perAddress: e.SIGNUP_LIMIT_PER_ADDRESS,
      windowSeconds: e.SIGNUP_LIMIT_WINDOW_SECONDS,
    },
    dkim:
      e.DKIM_DOMAIN && e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY
        ? { domainName: e.DKIM_DOMAIN, keySelector: e.DKIM_SELECTOR, privateKey: e.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n') }
        : undefined,
  };
}

/** The secrets, falling back to the public defaults only in development and test. */
function resolveSecrets(e: Parsed, envLabel: string): Record<keyof typeof DEV_SECRETS, string> {
  const local = e.NODE_ENV === 'development' || e.NODE_ENV === 'test';
  const names = Object.keys(DEV_SECRETS) as (keyof typeof DEV_SECRETS)[];
  // Setting a public default explicitly is as open as leaving it unset.
  const missing = local ? [] : names.filter((name) => !e[name] || e[name] === DEV_SECRETS[name]);
  if (missing.length > 0) {
    const problems = missing.map(
      (name) => `${name}: must be set to a private value (${envLabel}; the public default works only with NODE_ENV=development or test)`,
    );
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return Object.fromEntries(names.map((name) => [name, e[name] ?? DEV_SECRETS[name]])) as Record<keyof typeof DEV_SECRETS, string>;
}
