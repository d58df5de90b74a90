// The 'mail' queue: best-effort transactional emails (the welcome), one job
// per subscriber and request; confirmations go through Postgres' outbox. Jobs carry only the subscriber id; the handler
// re-reads Postgres, so a retry or a duplicate sends nothing twice.
import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import { sendTestDigest } from '../digest/test-send.js';
import { MailSendError } from '../mail/transport.js';
import { sendWelcome } from '../subscriptions/welcome-mail.js';
import type { JobContext } from './deps.js';
import { MAIL_JOBS } from './queues.js';
import type { Processor } from './workers.js';

const mailJobSchema = z.object({ subscriberId: z.number().int().positive() });
const testSendJobSchema = z.object({ testSendId: z.number().int().positive() });

type MailHandler = (ctx: JobContext, subscriberId: number) => Promise<string>;

/** One entry per job name; other transactional emails add theirs here. */
export const MAIL_HANDLERS: Record<string, MailHandler> = {
  [MAIL_JOBS.welcome]: (ctx, id) => sendWelcome(ctx, id),
};

export function createMailProcessor(ctx: JobContext): Processor {
  return async (job: Job) => {
    const run = mailJobRunner(job);
    try {
      const outcome = await run(ctx);
      ctx.metrics.emails.inc({ kind: job.name, result: outcome });
      return outcome;
    } catch (error) {
      if (error instanceof MailSendError) {
        ctx.metrics.emails.inc({ kind: job.name, result: error.kind === 'permanent' ? 'failed' : 'retry' });
        // A 5xx for this recipient fails the same way every time.
        if (error.kind === 'permanent') throw new UnrecoverableError(`refused by SMTP: ${error.message}`);
      }
      throw error;
    }
  };
}

/** A test send (console) is addressed by its own row, not a subscriber. */
function mailJobRunner(job: Job): (ctx: JobContext) => Promise<string> {
  if (job.name === MAIL_JOBS.testSend) {
    const parsed = testSendJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('bad test send job data');
    return (ctx) => sendTestDigest(ctx, parsed.data.testSendId);
  }
  const handler = MAIL_HANDLERS[job.name];
  if (!handler) throw new UnrecoverableError(`unknown mail job ${job.name}`);
  const parsed = mailJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError('bad mail job data');
  return (ctx) => handler(ctx, parsed.data.subscriberId);
}
