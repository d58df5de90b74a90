// Test sends: one reader's digest, as previewDigest renders it, mailed to any
// address so an admin can see it in a real inbox. A test send is never a
// Delivery: it counts nowhere and does not make its papers "already sent". It
// is marked twice, so nobody mistakes it for the real thing: a subject prefix
// for people and a header for filters.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import { headerValue, subjectLine } from '../mail/headers.js';
import { classifySmtpError, type MailTransport } from '../mail/transport.js';
import { DigestActionError, previewDigest } from './digest-service.js';
import type { DigestQueue } from './queue-port.js';

export const TEST_SUBJECT_PREFIX = '[TEST] ';
export const TEST_HEADER = 'X-Paperboy-Test';

/** Stores the request, then queues it: HTTP never sends mail itself. `to` must already be a normalised address. */
export async function requestTestSend(
  deps: { db: Db; digestQueue: Pick<DigestQueue, 'enqueueTestSend'> },
  input: { subscriberId: number; to: string },
) {
  const subscriber = await deps.db.subscriber.findUnique({ where: { id: input.subscriberId }, select: { id: true } });
  if (!subscriber) throw new DigestActionError('not_found', 'subscriber not found');
  const row = await deps.db.testSend.create({ data: { subscriberId: input.subscriberId, to: input.to } });
  await deps.digestQueue.enqueueTestSend(row.id);
  return row;
}

export type TestSendOutcome = 'sent' | 'empty' | 'skipped';

/** The mail job's handler. Idempotent: a row that left 'pending' is not sent again. */
export async function sendTestDigest(
  deps: {
    db: Db;
    mailer: MailTransport;
    config: Pick<Config, 'publicUrl' | 'secretKey' | 'mailFrom' | 'unsubscribeMailto'>;
  },
  testSendId: number,
): Promise<TestSendOutcome> {
  const row = await deps.db.testSend.findUnique({ where: { id: testSendId } });
  if (!row || row.status !== 'pending') return 'skipped';
  const preview = await previewDigest(deps, row.subscriberId).catch((error: unknown) => {
    if (error instanceof DigestActionError) return null;
    throw error;
  });
  if (!preview?.html || !preview.subject || preview.text === null) {
    await deps.db.testSend.update({ where: { id: row.id }, data: { status: 'empty' } });
    return 'empty';
  }
  try {
    const result = await deps.mailer.send({
      from: deps.config.mailFrom,
      to: headerValue(row.to),
      subject: subjectLine(`${TEST_SUBJECT_PREFIX}${preview.subject}`),
      html: preview.html,
      text: preview.text,
      headers: { [TEST_HEADER]: 'yes', 'Auto-Submitted': 'auto-generated' },
    });
    await deps.db.testSend.update({
      where: { id: row.id },
      data: { status: 'sent', sentAt: new Date(), smtpResponse: result.response.slice(0, 500) },
    });
    return 'sent';
  } catch (error) {
    const failure = classifySmtpError(error);
    if (failure.kind === 'permanent') {
      await deps.db.testSend.update({
        where: { id: row.id },
        data: { status: 'failed', smtpResponse: failure.message },
      });
    }
    throw failure;
  }
}

export function findTestSend(db: Db, id: number) {
  return db.testSend.findUnique({ where: { id } });
}
