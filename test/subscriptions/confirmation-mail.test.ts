import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestConfirmation, sendConfirmation } from '../../src/subscriptions/confirmation-mail.js';
import { verifyToken } from '../../src/subscriptions/tokens.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

describe('confirmation email', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
    await env.ctx.db.list.createMany({
      data: [
        { slug: 'trending', name: 'Trending', description: 'Top papers <b>today</b>' },
        { slug: 'llm', name: 'LLMs & "agents"', description: '' },
      ],
    });
  });
  afterAll(() => env.cleanup());
  beforeEach(async () => {
    env.sink.clear();
    env.sink.refuse(undefined);
    await env.ctx.db.subscriber.deleteMany();
  });

  async function pending(email = 'reader@example.org') {
    const lists = await env.ctx.db.list.findMany();
    return env.ctx.db.subscriber.create({
      data: {
        email,
        status: 'pending',
        timezone: 'Europe/Berlin',
        sendHour: 6,
        confirmRequestedAt: new Date(),
        subscriptions: { create: lists.map((l) => ({ listId: l.id })) },
      },
    });
  }

  it('sends HTML and text with a working confirm link, escaped list names, no List-Unsubscribe; once only', async () => {
    const reader = await pending();
    expect(await sendConfirmation(env.ctx, reader.id)).toBe('sent');
    const [mail] = await env.sink.waitFor(1);
    expect(mail!.envelope.to).toEqual(['reader@example.org']);
    expect(mail!.parsed.subject).toBe('Confirm your Paperboy subscription');
    const html = String(mail!.parsed.html);
    expect(html).toContain('LLMs &amp; &quot;agents&quot;');
    expect(html).toContain('Top papers &lt;b&gt;today&lt;/b&gt;');
    expect(html).toContain('every day at 06:00 Central European Time (Berlin)');
    expect(html).not.toContain('Europe/Berlin');
    // The inbox preview line is in the HTML, hidden, and not in the text part.
    expect(html).toContain('One click and your first digest');
    expect(mail!.parsed.text).not.toContain('One click and your first digest');
    const link = /href="(https:\/\/paperboy\.test\/confirm\/[^"]+)"/.exec(html)?.[1];
    expect(link).toBeTruthy();
    expect(mail!.parsed.text).toContain(link!);
    expect(mail!.parsed.text).toContain('LLMs & "agents"');
    expect(verifyToken(env.config.secretKey, 'confirm', link!.split('/').pop()!).sub).toBe(reader.id);
    expect(mail!.raw).not.toMatch(/^List-Unsubscribe:/im);
    expect(mail!.parsed.messageId).toMatch(/^<[0-9a-f]{24}@paperboy\.test>$/);

    expect(await sendConfirmation(env.ctx, reader.id)).toBe('already_sent');
    expect(env.sink.messages).toHaveLength(1);
    const row = await env.ctx.db.subscriber.findUniqueOrThrow({ where: { id: reader.id } });
    expect(row.confirmSentAt).toBeInstanceOf(Date);
  });

  it('sends nothing to an active reader with nothing left to confirm', async () => {
    const reader = await pending();
    await env.ctx.db.subscriber.update({ where: { id: reader.id }, data: { status: 'active' } });
    await env.ctx.db.subscription.updateMany({ where: { subscriberId: reader.id }, data: { confirmedAt: new Date() } });
    expect(await sendConfirmation(env.ctx, reader.id)).toBe('nothing_to_confirm');
    expect(env.sink.messages).toHaveLength(0);
  });

  it('requestConfirmation marks the request and puts it in the outbox, once per throttle window', async () => {
    const reader = await pending();
    await env.ctx.db.subscriber.update({ where: { id: reader.id }, data: { confirmRequestedAt: null } });
    expect(await requestConfirmation(env.ctx, reader.id)).toBe(true);
    expect(await requestConfirmation(env.ctx, reader.id)).toBe(false);
    const row = await env.ctx.db.subscriber.findUniqueOrThrow({
      where: { id: reader.id },
      include: { confirmation: true },
    });
    expect(row.confirmation?.requestedAt).toEqual(row.confirmRequestedAt);
  });
});
