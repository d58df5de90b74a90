// What every provider webhook shares: a verified batch of feedback is
// applied once. The provider's delivery key (SNS MessageId, SendGrid's
// signature, Mailgun's token, Postmark's record id) is stored before the
// feedback is applied; a second delivery with the same key is refused as a
// replay. If applying fails the key is released, so the provider's own
// retry (it retries on any non-2xx) goes through.
import { applyFeedback, type Feedback, type FeedbackDeps } from '../feedback.js';
import { claimWebhookReceipt, releaseWebhookReceipt } from '../feedback-repo.js';

export type WebhookProvider = 'ses' | 'sendgrid' | 'postmark' | 'mailgun';

export type WebhookFailure = 'not_configured' | 'unauthenticated' | 'stale' | 'replayed' | 'malformed';

export class WebhookError extends Error {
  constructor(
    readonly reason: WebhookFailure,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

export interface VerifiedBatch {
  /** Unique per delivery of the provider's POST. */
  replayKey: string;
  feedback: Feedback[];
}

/** How far a signed timestamp may lie in the past (or the future: clock skew) before the request counts as a replay. */
export const MAX_SIGNATURE_AGE_SECONDS = 15 * 60;

export function checkFreshness(
  timestampSeconds: number,
  nowMs: number,
  maxAgeSeconds = MAX_SIGNATURE_AGE_SECONDS,
): void {
  if (!Number.isFinite(timestampSeconds)) throw new WebhookError('malformed', 'timestamp is missing or not a number');
  if (Math.abs(nowMs / 1000 - timestampSeconds) > maxAgeSeconds) {
    throw new WebhookError(
      'stale',
      `signed timestamp is more than ${maxAgeSeconds} s away from now: refused as a replay`,
    );
  }
}

export async function applyWebhookBatch(
  deps: FeedbackDeps,
  provider: WebhookProvider,
  batch: VerifiedBatch,
): Promise<{ applied: number; ignored: number }> {
  if (!(await claimWebhookReceipt(deps.db, provider, batch.replayKey))) {
    deps.logger.child({ module: 'webhooks' }).warn({ event: 'webhook_replayed', provider }, 'webhook replay refused');
    throw new WebhookError('replayed', 'this webhook delivery was already received');
  }
  let applied = 0;
  try {
    for (const feedback of batch.feedback) if ((await applyFeedback(deps, feedback)).applied) applied += 1;
  } catch (error) {
    // Released so the provider's retry is applied, not refused as a replay.
    await releaseWebhookReceipt(deps.db, provider, batch.replayKey).catch((release: unknown) =>
      deps.logger.child({ module: 'webhooks' }).warn(
        {
          event: 'webhook_release_failed',
          provider,
          err: release instanceof Error ? release.message : String(release),
        },
        'webhook receipt kept: a retry will be refused',
      ),
    );
    throw error;
  }
  return { applied, ignored: batch.feedback.length - applied };
}

/** "<id>" from an id with or without angle brackets; null for anything else. */
export function bracketed(messageId: unknown): string | undefined {
  if (typeof messageId !== 'string' || !messageId.trim() || /[\s<>]/.test(messageId.trim().replace(/^<|>$/g, '')))
    return undefined;
  return `<${messageId.trim().replace(/^<|>$/g, '')}>`;
}

export function parseJson(raw: Buffer | string): unknown {
  try {
    return JSON.parse(raw.toString());
  } catch {
    throw new WebhookError('malformed', 'body is not JSON');
  }
}
