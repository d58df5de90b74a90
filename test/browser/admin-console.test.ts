// The admin console in Debian's chromium, driven by playwright-core: sign
// in with a token, then each page's main task, checking Postgres (and the
// SMTP sink) after each. axe-core runs on every page visited and must find
// no serious or critical violation; no page may trip the CSP.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_HEADER } from '../../src/digest/test-send.js';
import { createApp } from '../../src/http/app.js';
import { PROCESSORS } from '../../src/jobs/processors.js';
import { startWorkers, type RunningWorkers } from '../../src/jobs/workers.js';
import { ingestPapers } from '../../src/papers/ingest.js';
import { launchChromium } from '../helpers/browser.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { addSubscriber, seedLists } from '../http/admin/admin-env.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// One shared browser; a loaded two-core machine needs more than the default time per step.
describe('admin console in a real browser', { timeout: 90_000 }, () => {
  let env: TestEnv;
  let server: Server;
  let workers: RunningWorkers;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];
  const checked = new Set<string>();

  /** axe on the page as it is now: no serious or critical violation. */
  async function expectAccessible(name: string): Promise<void> {
    await page.evaluate(AXE_SOURCE);
    // A string: the test's TypeScript has no DOM types, the page has axe now.
    const violations = await page.evaluate<Array<{ id: string; impact: string; nodes: string[] }>>(
      `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + n.failureSummary) })))`,
    );
    expect(
      violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
      name,
    ).toEqual([]);
    checked.add(name);
  }

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    env = await createTestEnv({ PUBLIC_URL: base, DIGEST_RETRY_DELAY_MS: '100' });
    server.on('request', createApp(env.ctx));
    workers = startWorkers(
      env.ctx,
      { mail: PROCESSORS.mail!, digestPlan: PROCESSORS.digestPlan!, digestSend: PROCESSORS.digestSend! },
      { concurrency: { mail: 2 } },
    );
    await seedLists(env);
    await ingestPapers(
      { db: env.ctx.db, config: env.config, logger: env.ctx.logger, metrics: env.ctx.metrics },
      { source: 'file', path: 'data/sample/daily-papers.json' },
    );
    for (const email of ['ada@example.org', 'grace@example.org', 'alan@example.org'])
      await addSubscriber(env, email, { lists: ['trending'] });
    browser = await launchChromium();
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (message) => {
      const onQueues = new URL(page.url()).pathname.startsWith('/admin/queues');
      if (/Content Security Policy/i.test(message.text()) && !onQueues) cspViolations.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await workers?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await env?.cleanup();
  });

  it('sends a visitor to the sign-in page, refuses a wrong token, signs in with a right one', async () => {
    await page.goto('/admin/subscribers');
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await expectAccessible('sign-in');
    await page.getByLabel('Admin token').fill('not-the-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not valid');
    await page.getByLabel('Admin token').fill(env.config.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back where the visitor was going.
    expect(new URL(page.url()).pathname).toBe('/admin/subscribers');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'pb_console')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    expect(await env.ctx.db.consoleSession.count()).toBe(1);
  });

  it('shows the dashboard with accessible charts and their figures', async () => {
    await page.goto('/admin');
    await expect(page.locator('h1').textContent()).resolves.toBe('Dashboard');
    expect(await page.locator('svg[role=img] title').count()).toBe(3);
    await expect(page.locator('.stat-tiles').textContent()).resolves.toMatch(/3\s*active/);
    await expectAccessible('dashboard');
  });

  it('creates a list, with the live preview showing what the rule takes and why', async () => {
    await page.goto('/admin/lists');
    await expectAccessible('lists');
    await page.getByRole('link', { name: 'New list' }).click();
    // The live preview listens from a deferred script: typing before it has
    // run (a slow machine can parse the form first) would refresh nothing.
    await page.waitForURL('**/admin/lists/new', { waitUntil: 'load' });
    await page.getByLabel('Slug').fill('agents');
    await page.getByLabel('Name').fill('Agents');
    // Without a rule every recent paper matches; the preview refreshes as the rule is typed, without a reload.
    const everything = (await page.locator('#rule-preview p strong').textContent())!;
    await page.getByLabel(/Keywords or phrases/).fill('agent');
    await page.locator('#rule-preview p strong', { hasNotText: new RegExp(`^${everything}$`) }).waitFor();
    const reasons = await page.locator('#rule-preview .why').allTextContents();
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason).toMatch(/agent/i);
    await expectAccessible('list form');
    await page.getByRole('button', { name: 'Save list' }).click();
    await expect(page.locator('.notice-success').textContent()).resolves.toBe('Saved.');
    const list = await env.ctx.db.list.findUniqueOrThrow({ where: { slug: 'agents' } });
    expect(list).toMatchObject({ name: 'Agents', keywords: ['agent'], public: true });
    await page.goto('/admin/lists');
    await expect(page.locator('tbody').textContent()).resolves.toContain('Agents');
  });

  it('finds a subscriber and edits them', async () => {
    await page.goto('/admin/subscribers');
    await expectAccessible('subscribers');
    await page.getByLabel('Address contains').fill('grace');
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.getByRole('link', { name: 'grace@example.org' }).click();
    await expectAccessible('subscriber');
    await page.getByLabel('Send hour').fill('18');
    await page.getByLabel('Frequency').selectOption('weekly');
    await page.getByRole('checkbox', { name: 'Vision' }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.locator('.notice-success').textContent()).resolves.toBe('Saved.');
    const grace = await env.ctx.db.subscriber.findUniqueOrThrow({
      where: { email: 'grace@example.org' },
      include: { subscriptions: { include: { list: true } }, consents: true },
    });
    expect(grace).toMatchObject({ sendHour: 18, frequency: 'weekly' });
    expect(grace.subscriptions.map((s) => s.list.slug).sort()).toEqual(['trending', 'vision']);
    expect(grace.consents.map((c) => c.action)).toContain('admin');
    await expect(page.locator('table').last().textContent()).resolves.toContain('admin');
    // Erase asks first; that page is checked too, but nothing is erased here.
    await page.getByRole('link', { name: 'Erase…' }).click();
    await expectAccessible('erase confirmation');
    expect(await env.ctx.db.subscriber.count({ where: { email: 'grace@example.org' } })).toBe(1);
  });

  it('imports a CSV with one bad row, stores the good rows and reports the bad one', async () => {
    await page.goto('/admin/subscribers/import');
    await expect(page.locator('pre').textContent()).resolves.toContain('email,lists,timezone,sendHour,frequency');
    await expectAccessible('import');
    const csv =
      'email,lists,timezone,sendHour,frequency\nnew.one@example.org,trending|llm,Europe/Paris,8,daily\nnot-an-address,trending,UTC,7,daily\nnew.two@example.org,vision,UTC,9,weekly\n';
    await page.getByLabel('New subscribers are').selectOption('active');
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import' }).click();
    const report = page.locator('#import-report');
    await report.getByText('Import report').waitFor();
    // The script posted the file and filled the report in place: the page is the same one.
    expect(new URL(page.url()).pathname).toBe('/admin/subscribers/import');
    await expect(report.textContent()).resolves.toMatch(/3\s*rows read: 2 created, 0 updated, 0 skipped, 1 rejected/);
    await expect(report.locator('tbody tr').textContent()).resolves.toMatch(/^3\s*email: not a valid address$/);
    const imported = await env.ctx.db.subscriber.findMany({
      where: { email: { startsWith: 'new.' } },
      orderBy: { email: 'asc' },
    });
    expect(imported.map((s) => [s.email, s.status])).toEqual([
      ['new.one@example.org', 'active'],
      ['new.two@example.org', 'active'],
    ]);
    await expectAccessible('import report');
  });

  it('triggers a digest and watches it finish without reloading the page', async () => {
    await page.goto('/admin/digests');
    await expectAccessible('digests');
    await page.getByRole('button', { name: 'Plan and send' }).click();
    expect(new URL(page.url()).pathname).toMatch(/^\/admin\/digests\/\d+$/);
    // A marker that a full reload would wipe.
    await page.evaluate(`window.marker = 'same page'`);
    await page.locator('[data-field=status]', { hasText: 'done' }).waitFor({ timeout: 30_000 });
    expect(await page.evaluate('window.marker')).toBe('same page');
    const digest = await env.ctx.db.digest.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(digest.status).toBe('done');
    expect(digest.sent).toBeGreaterThan(0);
    await expect(page.locator('[data-field=sent]').textContent()).resolves.toBe(String(digest.sent));
    await expect(page.locator('progress[data-field=progress]').getAttribute('value')).resolves.toBe('100');
    await expectAccessible('digest');
  });

  it("previews a reader's email and sends a test that is marked and never counted", async () => {
    await page.goto('/admin/digests/preview?subscriber=ada%40example.org');
    await page.locator('iframe.email-frame').waitFor();
    await expectAccessible('preview');
    const deliveriesBefore = await env.ctx.db.delivery.count();
    await page.goto('/admin/digests/test-send');
    await expectAccessible('test send');
    await page.getByLabel('Reader (address or id)').fill('alan@example.org');
    await page.getByLabel('Send to').fill('checker@example.net');
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.locator('[data-field=status]', { hasText: 'sent' }).waitFor({ timeout: 20_000 });
    const [mail] = await env.sink.waitFor(1, { filter: (m) => m.envelope.to.includes('checker@example.net') });
    expect(mail!.parsed.subject).toMatch(/^\[TEST\] /);
    expect(mail!.parsed.headers.get(TEST_HEADER.toLowerCase())).toBe('yes');
    expect(await env.ctx.db.delivery.count()).toBe(deliveriesBefore);
    await expectAccessible('test send status');
  });

  it('hides a paper, then offers to unhide it', async () => {
    const paper = await env.ctx.db.paper.findFirstOrThrow({ where: { hidden: false }, orderBy: { upvotes: 'desc' } });
    await page.goto(`/admin/papers?q=${encodeURIComponent(paper.arxivId!)}`);
    await expectAccessible('papers');
    const row = page.locator('tbody tr', { hasText: paper.title });
    expect(await row.count()).toBe(1);
    await row.getByRole('button', { name: /^Hide/ }).click();
    await expect(page.locator('.notice-success').textContent()).resolves.toContain('hidden');
    expect((await env.ctx.db.paper.findUniqueOrThrow({ where: { id: paper.id } })).hidden).toBe(true);
    await page
      .locator('tbody tr', { hasText: paper.title })
      .getByRole('button', { name: /^Unhide/ })
      .waitFor();
  });

  it('creates a token, shows it once, and revokes it', async () => {
    await page.goto('/admin/tokens');
    await expectAccessible('tokens');
    await page.getByLabel('Name of the new token').fill('ci robot');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.locator('#new-token').textContent())!;
    expect(secret).toMatch(/^pb_/);
    await expectAccessible('token created');
    const row = await env.ctx.db.adminToken.findFirstOrThrow({ where: { name: 'ci robot' } });
    expect(row.tokenHash).not.toContain(secret);
    await page.goto('/admin/tokens');
    expect(await page.content()).not.toContain(secret);
    await page.getByRole('button', { name: 'Revoke ci robot' }).click();
    await expect(page.locator('.notice-success').textContent()).resolves.toContain('revoked');
    expect((await env.ctx.db.adminToken.findUniqueOrThrow({ where: { id: row.id } })).revokedAt).toBeInstanceOf(Date);
    await page.goto('/admin/audit');
    await expectAccessible('audit');
  });

  it('renders the API docs from local files and opens the queue dashboard with the session', async () => {
    const external: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(env.config.publicUrl)) external.push(request.url());
    });
    await page.goto('/admin/api-docs');
    await page.locator('.swagger-ui .info .title').waitFor();
    await expect(page.locator('.swagger-ui').textContent()).resolves.toContain('/api/admin/subscribers/import');
    await expectAccessible('api docs');
    expect(external).toEqual([]);
    // bull-board's own page asks for a web font; its CSP blocks that on purpose (queue-dashboard.ts).
    const queues = await page.goto('/admin/queues');
    expect(queues?.status()).toBe(200);
    await page.locator('#root').waitFor();
    await page.goto('/admin');
  });

  it('reads at 390 px without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of [
      '/admin',
      '/admin/lists',
      '/admin/subscribers',
      '/admin/digests',
      '/admin/papers',
      '/admin/tokens',
    ]) {
      await page.goto(path);
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await expectAccessible('dashboard at 390 px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('signs out: the session is gone from Postgres and the pages ask to sign in again', async () => {
    await page.goto('/admin');
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    expect(await env.ctx.db.consoleSession.count()).toBe(0);
    await page.goto('/admin/lists');
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    expect(cspViolations).toEqual([]);
    expect(checked.size).toBeGreaterThanOrEqual(20);
  });
});
