// SpamAssassin (local rules only, -L) scores every kind of email Paperboy
// sends at 0.0 or less: the confirmation and welcome emails as they leave
// through SMTP, and digests in Latin and CJK text as the sender streams
// them. All go through one spamassassin process as an mbox (it takes
// seconds to load its rules). The binary is required: CI installs it.
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendConfirmation } from '../../src/subscriptions/confirmation-mail.js';
import { sendWelcome } from '../../src/subscriptions/welcome-mail.js';
import {
  feedbackUrl,
  links,
  papersOf,
  rawOf,
  renderPapers,
  samplePapers,
  testRenderer,
} from '../digest/render-fixtures.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';

/** mboxrd: a From_ line before each message, body lines starting with "From " quoted, each tagged with its name. */
function mbox(messages: Record<string, string>): string {
  return Object.entries(messages)
    .map(
      ([name, m]) =>
        `From paperboy@example.org Thu Nov 12 07:00:00 2026\nX-Test-Name: ${name}\n${m.replace(/\r\n/g, '\n').replace(/^(>*From )/gm, '>$1')}\n`,
    )
    .join('\n');
}

/** Score and rules per message name (spamassassin --mbox does not keep the order). */
function spamStatuses(messages: Record<string, string>): Map<string, { score: number; tests: string }> {
  const version = spawnSync('spamassassin', ['-V'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    throw new Error(
      'spamassassin is not installed (apt-get install spamassassin; .ci/run installs it): this test checks every email scores 0.0 or less',
    );
  }
  const out = execFileSync('spamassassin', ['-L', '-t', '--mbox'], {
    input: mbox(messages),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const results = new Map<string, { score: number; tests: string }>();
  for (const message of out.split(/^From paperboy@example\.org /m)) {
    const name = /^X-Test-Name: (.+)$/m.exec(message)?.[1];
    const status = /^X-Spam-Status: \w+, score=(-?[\d.]+) required=[\d.]+ tests=([^\n]*(?:\n\t[^\n]*)*)/m.exec(message);
    if (name && status) results.set(name, { score: Number(status[1]), tests: status[2]!.replace(/\s+/g, ' ') });
  }
  return results;
}

describe('SpamAssassin', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(() => env?.cleanup());

  it('scores the confirmation, welcome and digest emails at 0.0 or less', { timeout: 120_000 }, async () => {
    const db = env.ctx.db;
    const list = await db.list.create({
      data: { slug: 'llm', name: 'Language models', description: 'LLMs, reasoning and alignment.' },
    });
    const reader = await db.subscriber.create({
      data: {
        email: 'reader@example.org',
        timezone: 'America/New_York',
        confirmRequestedAt: new Date(),
        subscriptions: { create: [{ listId: list.id }] },
      },
    });
    expect(await sendConfirmation(env.ctx, reader.id)).toBe('sent');
    await db.subscriber.update({ where: { id: reader.id }, data: { status: 'active', confirmedAt: new Date() } });
    await db.subscription.updateMany({ where: { subscriberId: reader.id }, data: { confirmedAt: new Date() } });
    expect(await sendWelcome(env.ctx, reader.id)).toBe('sent');
    const bySubject = async (subject: string) =>
      (await env.sink.waitFor(1, { filter: (m) => m.parsed.subject === subject }))[0]!;
    const confirmation = await bySubject('Confirm your Paperboy subscription');
    const welcome = await bySubject('Welcome to Paperboy');

    // Digests from the shipped sample (real titles and abstracts), and one in Chinese (base64).
    const papers = samplePapers(12);
    const renderer = await testRenderer({ feedbackUrl });
    const digest = (group: ReturnType<typeof renderPapers>) =>
      rawOf(
        renderer.personalize(group, {
          to: 'reader@example.org',
          subscriberId: reader.id,
          messageId: `<digest-1.s${reader.id}.4f2a9c@papers.example.org>`,
          links,
        }),
      );
    const latin = digest(renderPapers(renderer, papers, { first: true }));
    const cjkGroup = renderPapers(
      renderer,
      papersOf(10, (i) => `大规模语言模型的注意力机制研究 ${i}`, {
        abstract: `attention ${'我们研究长上下文中的注意力机制。'.repeat(20)}`,
      }),
    );
    expect(cjkGroup.mime.encodings.html).toBe('base64');

    const results = spamStatuses({
      confirmation: confirmation.raw,
      welcome: welcome.raw,
      digest: latin,
      'digest-cjk': digest(cjkGroup),
    });
    expect([...results.keys()].sort()).toEqual(['confirmation', 'digest', 'digest-cjk', 'welcome']);
    for (const [name, r] of results) expect(r.score, `${name}: ${r.tests}`).toBeLessThanOrEqual(0);
  });
});
