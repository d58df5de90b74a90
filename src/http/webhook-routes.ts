// POST /webhooks/{ses,sendgrid,postmark,mailgun}: provider feedback. Each
// route only reads the raw body (signatures are over the exact bytes),
// hands it to its provider's reader in src/inbound/webhooks, and applies
// what comes back. Refusals are JSON errors naming the reason.
import express, { type IRouter, type RequestHandler } from 'express';
import type { FeedbackDeps } from '../inbound/feedback.js';
import { readMailgunWebhook } from '../inbound/webhooks/mailgun.js';
import { readPostmarkWebhook } from '../inbound/webhooks/postmark.js';
import { readSendgridWebhook } from '../inbound/webhooks/sendgrid.js';
import { readSesWebhook } from '../inbound/webhooks/ses.js';
import { createSnsVerifier, fetchFromAmazon, isAmazonSnsUrl, type FetchText } from '../inbound/webhooks/sns.js';
import {
  applyWebhookBatch,
  WebhookError,
  type VerifiedBatch,
  type WebhookProvider,
} from '../inbound/webhooks/webhook-intake.js';
import type { AppDeps } from './app.js';
import { AppError, ERROR_CODES } from './errors.js';

export interface WebhookOptions {
  /** Fetches SNS signing certificates and SubscribeURLs; the default only reaches Amazon's SNS hosts. */
  snsFetch?: FetchText;
}

const FAILURES: Record<WebhookError['reason'], [AppError['code'], number]> = {
  not_configured: [ERROR_CODES.notFound, 404],
  unauthenticated: [ERROR_CODES.unauthorized, 401],
  stale: [ERROR_CODES.unauthorized, 401],
  replayed: [ERROR_CODES.conflict, 409],
  malformed: [ERROR_CODES.badRequest, 400],
};

function toAppError(error: unknown): unknown {
  if (!(error instanceof WebhookError)) return error;
  const [code, status] = FAILURES[error.reason];
  return new AppError(code, status, error.message);
}

type Headers = Record<string, string | undefined>;
/** What a provider's reader makes of a request: a batch, or an SNS subscription confirmed. */
type WebhookRead = VerifiedBatch | { confirmed: true };

export function webhookRoutes(router: IRouter, deps: AppDeps, options: WebhookOptions = {}): void {
  const feedbackDeps: FeedbackDeps = deps;
  const snsFetch = options.snsFetch ?? fetchFromAmazon;
  const verifySns = createSnsVerifier(snsFetch);
  const raw = express.raw({ type: () => true, limit: '1mb' });

  const route = (
    provider: WebhookProvider,
    read: (headers: Headers, body: Buffer) => WebhookRead | Promise<WebhookRead>,
  ): RequestHandler[] => [
    raw,
    async (req, res, next) => {
      try {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const outcome = await read(req.headers as Headers, body);
        if ('confirmed' in outcome) return void res.json({ status: 'subscription_confirmed' });
        const counts = await applyWebhookBatch(feedbackDeps, provider, outcome);
        res.json({ status: 'ok', ...counts });
      } catch (error) {
        if (error instanceof WebhookError)
          req.log?.warn({ event: 'webhook_refused', provider, reason: error.reason }, error.message);
        next(toAppError(error));
      }
    },
  ];

  router.post(
    '/webhooks/ses',
    route('ses', async (_headers, body) => {
      const outcome = await readSesWebhook(deps.config, verifySns, body);
      if (outcome.kind === 'batch') return outcome.batch;
      // Subscribing the endpoint to the topic: visit SubscribeURL, on an Amazon host only.
      if (!isAmazonSnsUrl(outcome.subscribeUrl))
        throw new WebhookError('unauthenticated', 'SubscribeURL is not an Amazon SNS https URL');
      await snsFetch(outcome.subscribeUrl);
      return { confirmed: true };
    }),
  );
  router.post(
    '/webhooks/sendgrid',
    route('sendgrid', (headers, body) => readSendgridWebhook(deps.config, headers, body)),
  );
  router.post(
    '/webhooks/mailgun',
    route('mailgun', (_headers, body) => readMailgunWebhook(deps.config, body)),
  );
  router.post(
    '/webhooks/postmark',
    route('postmark', (headers, body) => readPostmarkWebhook(deps.config, headers, body)),
  );
}
