// Lifting a suppression is an admin's deliberate act (the address bounced
// or complained once): it is recorded as a MailEvent naming who and why. The
// subscriber's status is left alone; they sign up and confirm again.
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import { liftSuppression } from '../subscriptions/suppression-repo.js';
import { recordMailEvent } from './feedback-repo.js';

export async function liftSuppressionFor(
  deps: { db: Db; logger: Logger },
  input: { email: string; by: string; note: string },
  now = new Date(),
): Promise<boolean> {
  const email = input.email.trim().toLowerCase();
  const lifted = await deps.db.$transaction(async (tx) => {
    if (!(await liftSuppression(tx, email, input.by, now))) return false;
    const subscriber = await tx.subscriber.findUnique({ where: { email }, select: { id: true } });
    await recordMailEvent(tx, {
      kind: 'suppression_lifted',
      source: 'admin',
      subscriberId: subscriber?.id ?? null,
      detail: `by ${input.by}: ${input.note}`,
    });
    return true;
  });
  if (lifted)
    deps.logger.child({ module: 'inbound' }).info({ event: 'suppression_lifted', by: input.by }, 'suppression lifted');
  return lifted;
}
