// The whole reader journey in Debian's chromium, driven by playwright-core:
// landing page → sign-up → confirmation email → confirm → preferences from a
// later email → a vote from a card's "More like this" link → unsubscribe from
// the page. Postgres is checked after each step.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createMailProcessor } from '../../src/jobs/mail-job.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/workers.js';
import { startOutboxPoller, type OutboxPoller } from '../../src/subscriptions/confirmation-outbox.js';
import { ingestPapers } from '../../src/papers/ingest.js';
import { launchChromium } from '../helpers/browser.js';
import { feedbackUrl } from '../../src/subscriptions/links.js';
import { axeViolations } from '../helpers/axe.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import type { ReceivedMail } from '../helpers/smtp-sink.js';
import { createLists } from '../http/pages/page-helpers.js';

const READER = 'browser.reader@example.org';

function linkIn(mail: ReceivedMail, kind: 'confirm' | 'preferences' | 'unsubscribe'): string {
  const html = typeof mail.parsed.html === 'string' ? mail.parsed.html : '';
  const href = new RegExp(`href="(https?://[^"]+/${kind}/[A-Za-z0-9_.-]+)"`).exec(html)?.[1];
  if (!href) throw new Error(`no ${kind} link in "${mail.parsed.subject}"`);
  expect(mail.parsed.text).toContain(href);
  return href;
}

describe('reader journey in a real browser', () => {
  let env: TestEnv;
  let server: Server;
  let workers: RunningWorkers;
  let outbox: OutboxPoller;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    env = await createTestEnv({ PUBLIC_URL: base });
    server.on('request', createApp(env.ctx));
    workers = startWorkers(env.ctx, { mail: createMailProcessor }, { concurrency: { mail: 2 } });
    outbox = startOutboxPoller(env.ctx, { pollMs: 100 });
    await createLists(env.ctx.db);
    await ingestPapers(
      { db: env.ctx.db, config: env.config, logger: env.ctx.logger, metrics: env.ctx.metrics },
      { source: 'file', path: 'data/sample/daily-papers.json' },
    );
    browser = await launchChromium();
    const context = await browser.newContext({
      baseURL: base,
      timezoneId: 'Europe/Paris',
      viewport: { width: 1280, height: 900 },
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await outbox?.stop();
    await workers?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await env?.cleanup();
  });

  const reader = () =>
    env.ctx.db.subscriber.findUniqueOrThrow({
      where: { email: READER },
      include: { subscriptions: { include: { list: true }, orderBy: { listId: 'asc' } } },
    });
  const lists = async () => (await reader()).subscriptions.map((s) => [s.list.slug, s.confirmedAt !== null]);

  it('signs up with two lists, confirms by email, changes lists from a later email, votes on a paper, unsubscribes from the page', async () => {
    // 1. Landing page, time zone filled in from the browser by the script.
    await page.goto('/');
    await expect(page.locator('h1').textContent()).resolves.toBe('Get trending papers in your email inbox');
    expect(await page.locator('.paper-card').count()).toBeGreaterThan(2);
    expect(await page.locator('#timezone').inputValue()).toBe('Europe/Paris');
    await page.screenshot({ path: '/tmp/landing.png', fullPage: true });

    // 2. Choose two lists (not the pre-ticked Trending) and submit.
    await page.getByLabel('Email address').fill(READER);
    await page.getByRole('checkbox', { name: /^Trending/ }).uncheck();
    await page.getByRole('checkbox', { name: /^Language models/ }).check();
    await page.getByRole('checkbox', { name: /^Computer vision/ }).check();
    await page.getByText('Weekly', { exact: true }).click();
    await page.getByLabel(/Weekday/).selectOption({ label: 'Friday' });
    await page.getByLabel('Send hour').selectOption({ label: '09:00' });
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Check your inbox');
    let row = await reader();
    expect(row).toMatchObject({
      status: 'pending',
      timezone: 'Europe/Paris',
      frequency: 'weekly',
      weekday: 5,
      sendHour: 9,
    });
    expect(await lists()).toEqual([
      ['llm', false],
      ['vision', false],
    ]);

    // 3. The confirmation email arrives; its link shows one button, which confirms.
    const [confirmation] = await env.sink.waitFor(1, {
      filter: (m) => m.parsed.subject === 'Confirm your Paperboy subscription',
    });
    expect(confirmation!.envelope.to).toEqual([READER]);
    expect(confirmation!.parsed.html).toContain('Language models');
    await page.goto(linkIn(confirmation!, 'confirm'));
    expect((await reader()).status).toBe('pending');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    await expect(page.locator('h1').textContent()).resolves.toBe('You are subscribed');
    row = await reader();
    expect(row.status).toBe('active');
    expect(row.confirmedAt).toBeInstanceOf(Date);
    expect(await lists()).toEqual([
      ['llm', true],
      ['vision', true],
    ]);

    // 4. A later email (the welcome) carries the preference link: swap a list.
    const [welcome] = await env.sink.waitFor(1, { filter: (m) => m.parsed.subject === 'Welcome to Paperboy' });
    expect(welcome!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    await page.goto(linkIn(welcome!, 'preferences'));
    await expect(page.locator('h1').textContent()).resolves.toBe('Your preferences');
    await page.getByRole('checkbox', { name: /^Computer vision/ }).uncheck();
    await page.getByRole('checkbox', { name: /^Trending/ }).check();
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await expect(page.locator('.notice-success').textContent()).resolves.toContain('Saved');
    expect(await lists()).toEqual([
      ['trending', true],
      ['llm', true],
    ]);

    // 4b. A card's "More like this" link opens a page with one button; only
    // the button records the vote. (Built here with the digest's own link
    // builder; a digest email carries the same link.)
    const paper = await env.ctx.db.paper.findFirstOrThrow({ orderBy: [{ upvotes: 'desc' }, { id: 'asc' }] });
    await page.goto(feedbackUrl(env.config, { subscriberId: row.id, paperId: paper.id, vote: 'up' }));
    await expect(page.locator('h1').textContent()).resolves.toBe('More papers like this one?');
    await expect(page.locator('.paper-title').textContent()).resolves.toBe(paper.title);
    expect(await axeViolations(page)).toEqual([]);
    expect(await env.ctx.db.rating.count()).toBe(0);
    await page.getByRole('button', { name: 'Yes, more like this' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Thanks, noted');
    expect(await axeViolations(page)).toEqual([]);
    expect(await env.ctx.db.rating.findMany({ where: { subscriberId: row.id } })).toEqual([
      expect.objectContaining({ paperId: paper.id, vote: 'up' }),
    ]);

    // 5. The unsubscribe link opens a page that changes nothing until the button.
    await page.goto(linkIn(welcome!, 'unsubscribe'));
    await expect(page.locator('h1').textContent()).resolves.toBe('Unsubscribe from Paperboy?');
    expect((await reader()).status).toBe('active');
    await page.getByRole('button', { name: 'Yes, unsubscribe me' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('You are unsubscribed');
    row = await reader();
    expect(row.status).toBe('unsubscribed');
    expect(row.unsubscribedAt).toBeInstanceOf(Date);

    expect(cspViolations).toEqual([]);
  }, 120_000);
});
