// Emails and pages in Debian's chromium (playwright-core), at 600 and 375 px:
// no horizontal overflow, the digest's lead card above the fold, the look
// kept when a webmail drops <style>, and axe-core (from npm, injected into
// the page) finding no serious or critical violation, dark mode included.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editionWindow, latestPeriod } from '../../src/digest/archive.js';
import { createApp } from '../../src/http/app.js';
import { ingestPapers } from '../../src/papers/ingest.js';
import { digestViewLink, subscriberLinks } from '../../src/subscriptions/links.js';
import { renderSubscriptionEmail } from '../../src/subscriptions/subscription-emails.js';
import { feedbackUrl, links, renderPapers, samplePapers, testRenderer } from '../digest/render-fixtures.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createLists } from '../http/pages/page-helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const VIEWPORTS = [
  { width: 600, height: 800 },
  { width: 375, height: 667 },
];

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: unknown[] }>;
}

/** axe-core's serious and critical violations on the page, as "rule: targets" lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  // Strings, not functions: these run in the page, and the test code is type-checked without DOM types.
  const violations = await page.evaluate<AxeViolation[]>('axe.run().then((result) => result.violations)');
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

const overflow = async (page: Page) =>
  Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));

describe('emails and pages in a real browser', () => {
  let browser: Browser;
  let env: TestEnv;
  let server: Server;
  let base: string;
  let digestHtml: string;
  const emails: Record<string, string> = {};

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const renderer = await testRenderer({ feedbackUrl });
    digestHtml = renderer.fillLinks(renderPapers(renderer, samplePapers(12), { first: true, moreCount: 7 }), links, {
      subscriberId: 7,
    }).html;
    emails.digest = digestHtml;
    const schedule = 'every day at 07:00 Central European Time (Paris)';
    const lists = [{ name: 'Language models', description: 'LLMs, reasoning and alignment.' }];
    emails.confirm = (
      await renderSubscriptionEmail('confirm', {
        heading: 'Confirm your subscription',
        intro: 'One click to go.',
        lists,
        schedule,
        confirmUrl: links.view,
        siteUrl: 'https://papers.example.org',
      })
    ).html;
    emails.welcome = (
      await renderSubscriptionEmail('welcome', {
        lists,
        schedule,
        preferencesUrl: links.preferences,
        unsubscribeUrl: links.unsubscribe,
        siteUrl: 'https://papers.example.org',
      })
    ).html;

    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    env = await createTestEnv({ PUBLIC_URL: base });
    server.on('request', createApp(env.ctx));
    await createLists(env.ctx.db);
    await ingestPapers(
      { db: env.ctx.db, config: env.config, logger: env.ctx.logger, metrics: env.ctx.metrics },
      { source: 'file', path: 'data/sample/daily-papers.json' },
    );
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await env?.cleanup();
  });

  async function open(viewport: (typeof VIEWPORTS)[number], colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    // bypassCSP: the pages forbid inline scripts, and axe is injected as one.
    const context = await browser.newContext({ viewport, colorScheme, bypassCSP: true });
    return context.newPage();
  }

  for (const viewport of VIEWPORTS) {
    it(
      `digest at ${viewport.width} px: no horizontal overflow, lead card above the fold, no serious axe violation`,
      { timeout: 180_000 },
      async () => {
        for (const scheme of ['light', 'dark'] as const) {
          const page = await open(viewport, scheme);
          await page.setContent(digestHtml);
          expect(await overflow(page)).toBeLessThanOrEqual(0);
          const lead = await page.locator('.lead').boundingBox();
          const title = await page.locator('.lead .lead-title').boundingBox();
          expect(lead && title).toBeTruthy();
          expect(lead!.x).toBeGreaterThanOrEqual(0);
          expect(lead!.x + lead!.width).toBeLessThanOrEqual(viewport.width);
          expect(title!.y + title!.height).toBeLessThanOrEqual(viewport.height);
          expect(await seriousViolations(page), `${scheme} mode`).toEqual([]);
          await page.context().close();
        }
      },
    );

    it(
      `confirmation and welcome at ${viewport.width} px: no overflow, no serious axe violation`,
      { timeout: 180_000 },
      async () => {
        for (const name of ['confirm', 'welcome']) {
          const page = await open(viewport);
          await page.setContent(emails[name]!);
          expect(await overflow(page), name).toBeLessThanOrEqual(0);
          expect(await seriousViolations(page), name).toEqual([]);
          await page.context().close();
        }
      },
    );
  }

  it('digest keeps its look when a webmail drops <style>', async () => {
    const page = await open(VIEWPORTS[1]!);
    await page.setContent(digestHtml.replace(/<style[\s\S]*?<\/style>/g, ''));
    expect(await page.locator('style').count()).toBe(0);
    const look = await page.evaluate(`(() => {
      const style = (selector) => getComputedStyle(document.querySelector(selector));
      return {
        titleDecoration: style('.card .title-link').textDecorationLine,
        titleColor: style('.card .title-link').color,
        separator: style('.card').borderBottomWidth + ' ' + style('.card').borderBottomStyle,
        leadBackground: style('.lead').backgroundColor,
        why: style('.why').color,
      };
    })()`);
    expect(look).toEqual({
      titleDecoration: 'none',
      titleColor: 'rgb(11, 87, 208)',
      separator: '1px solid',
      leadBackground: 'rgb(238, 242, 255)',
      why: 'rgb(26, 127, 55)',
    });
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });

  it(
    'the view-in-browser page has the site header and footer, never links to itself, and passes axe',
    { timeout: 240_000 },
    async () => {
      const db = env.ctx.db;
      const list = await db.list.findUniqueOrThrow({ where: { slug: 'trending' } });
      const reader = await db.subscriber.create({
        data: {
          email: 'view.reader@example.org',
          status: 'active',
          confirmedAt: new Date(),
          subscriptions: { create: [{ listId: list.id, confirmedAt: new Date() }] },
        },
      });
      const papers = await db.paper.findMany({ orderBy: { upvotes: 'desc' }, take: 8, select: { id: true } });
      const digest = await db.digest.create({ data: { period: '2026-11-12', status: 'done' } });
      const delivery = await db.delivery.create({
        data: {
          digestId: digest.id,
          subscriberId: reader.id,
          status: 'sent',
          messageId: '<view-test@paperboy.test>',
          paperIds: papers.map((p) => p.id),
        },
      });
      const view = digestViewLink(env.config, reader.id, delivery.id);
      for (const viewport of VIEWPORTS) {
        const page = await open(viewport);
        const response = await page.goto(view);
        expect(response?.status()).toBe(200);
        await expect(page.locator('.site-header .brand').textContent()).resolves.toContain('Paperboy');
        expect(await page.locator('.site-footer').count()).toBe(1);
        expect(await page.locator('h1').textContent()).toBe('Your trending papers');
        expect(await page.locator('.digest-card').count()).toBe(8);
        expect(await page.locator('a[href*="/digests/"]').count()).toBe(0);
        expect(await page.locator('.digest-lead').isVisible()).toBe(true);
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        expect(await seriousViolations(page)).toEqual([]);
        await page.context().close();
      }

      // The other public pages reach the same bar. The archive needs an
      // edition: the sample papers, first seen today, move into today's window.
      const period = latestPeriod(new Date());
      await db.paper.updateMany({ data: { firstSeenAt: new Date(editionWindow(period).end.getTime() - 3_600_000) } });
      const archive = ['/archive', '/archive/trending', `/archive/trending/${period}`];
      const personal = subscriberLinks(env.config, reader.id);
      for (const path of [
        '/',
        new URL(personal.preferences).pathname,
        new URL(personal.unsubscribe).pathname,
        '/digests/1?t=forged',
        ...archive,
      ]) {
        const page = await open(VIEWPORTS[1]!);
        const response = await page.goto(`${base}${path}`);
        if (archive.includes(path)) expect(response?.status(), path).toBe(200);
        expect(await overflow(page), path).toBeLessThanOrEqual(0);
        expect(await seriousViolations(page), path).toEqual([]);
        await page.context().close();
      }
    },
  );
});
