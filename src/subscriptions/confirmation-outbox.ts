// Turns outbox rows into confirmation emails. Every worker polls; each row is
// claimed (SKIP LOCKED, with a lease) so one worker sends it, and deleted once
// sent. Postgres alone carries a request from the sign-up to the email: a
// Redis outage delays nothing, and a crash between storing and sending, or
// mid-send, leaves the row to be claimed again when its lease ends.
import { MailSendError } from '../mail/transport.js';
import { sendConfirmation, type ConfirmationLimit } from './confirmation-mail.js';
import type { MailerDeps } from './deps.js';

/** The per-address cap on confirmation emails (SIGNUP_LIMIT_PER_ADDRESS), when the caller has one. */
export type OutboxDeps = MailerDeps & { confirmationLimit?: ConfirmationLimit };
import {
  claimConfirmations,
  dropStaleConfirmations,
  removeFromOutbox,
  retryLater,
  type ClaimedConfirmation,
} from './outbox-repo.js';

export interface OutboxOptions {
  /** Rows claimed (and sent concurrently) per round. */
  batchSize?: number;
  /** How long a claim keeps other workers off a row; longer than any send. */
  leaseSeconds?: number;
  /** First retry delay after a transient SMTP failure; doubles per attempt, up to 10 minutes. */
  retryDelayMs?: number;
  /** Requests older than this are dropped unsent. */
  maxAgeMs?: number;
}

const DEFAULTS: Required<OutboxOptions> = {
  batchSize: 20,
  leaseSeconds: 120,
  retryDelayMs: 2000,
  maxAgeMs: 3 * 24 * 3600 * 1000,
};

/** Sends one claimed request; returns what happened, as the emails metric labels it. */
async function deliver(deps: OutboxDeps, claim: ClaimedConfirmation, retryDelayMs: number): Promise<string> {
  try {
    const outcome = await sendConfirmation(deps, claim.subscriberId);
    await removeFromOutbox(deps.db, claim);
    return outcome;
  } catch (error) {
    // A 5xx was recorded as a bounce by sendConfirmation: it would fail the same way again.
    if (error instanceof MailSendError && error.kind === 'permanent') {
      await removeFromOutbox(deps.db, claim);
      return 'failed';
    }
    deps.logger.warn(
      {
        event: 'confirmation_retry',
        module: 'subscriptions',
        subscriberId: claim.subscriberId,
        attempt: claim.attempts,
        err: (error as Error).message,
      },
      'confirmation not sent; retrying later',
    );
    await retryLater(deps.db, claim, Math.min(retryDelayMs * 2 ** (claim.attempts - 1), 600_000));
    return 'retry';
  }
}

/** One round: claims what is due and sends it. Returns how many rows it claimed. */
export async function drainConfirmationOutbox(
  deps: OutboxDeps,
  options: OutboxOptions = {},
): Promise<{ claimed: number; sent: number }> {
  const o = { ...DEFAULTS, ...options };
  await dropStaleConfirmations(deps.db, new Date(Date.now() - o.maxAgeMs));
  const claims = await claimConfirmations(deps.db, o.batchSize, o.leaseSeconds);
  const results = await Promise.all(claims.map((claim) => deliver(deps, claim, o.retryDelayMs)));
  for (const result of results) deps.metrics?.emails.inc({ kind: 'confirm', result });
  return { claimed: claims.length, sent: results.filter((r) => r === 'sent').length };
}

export interface OutboxPoller {
  stop(): Promise<void>;
}

/**
 * Drains every `pollMs`, and again at once while rounds come back full.
 * stop() waits for the round in progress: no email is cut in half.
 */
export function startOutboxPoller(deps: OutboxDeps, options: OutboxOptions & { pollMs?: number } = {}): OutboxPoller {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();
  const batchSize = options.batchSize ?? DEFAULTS.batchSize;
  const tick = () => {
    round = drainConfirmationOutbox(deps, options).then(
      ({ claimed }) => schedule(claimed >= batchSize ? 0 : (options.pollMs ?? 1000)),
      (error: unknown) => {
        // Postgres away: the rows wait in the outbox; try again at the next tick.
        deps.logger.warn(
          { event: 'confirmation_outbox_failed', module: 'subscriptions', err: (error as Error).message },
          'outbox round failed',
        );
        schedule(options.pollMs ?? 1000);
      },
    );
  };
  const schedule = (ms: number) => {
    if (!stopped) timer = setTimeout(tick, ms);
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
    },
  };
}
