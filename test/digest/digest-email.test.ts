// What a reader sees in the digest: lead card, card contents, wording,
// dark mode and inlined styles, the plain-text part, feedback links, and
// cards rendered once per paper however many emails carry them.
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DigestRenderer } from '../../src/digest/renderer.js';
import { authorLine } from '../../src/digest/view-model.js';
import { feedbackUrl, links, papersOf, rawOf, renderPapers, testRenderer } from './render-fixtures.js';

const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));

describe('the digest email', () => {
  let renderer: DigestRenderer;
  beforeAll(async () => {
    renderer = await testRenderer({ feedbackUrl });
  });

  it('leads with the top paper and shows names, organisation, upvotes, links and a summary on each card', () => {
    const group = renderPapers(renderer, papersOf(4));
    const { html } = renderer.fillLinks(group, links, { subscriberId: 7 });
    const lead = html.indexOf('Top paper for you');
    expect(lead).toBeGreaterThan(0);
    expect(html.indexOf('>Paper 1 on attention</a>')).toBeGreaterThan(lead);
    expect(html.indexOf('>Paper 1 on attention</a>')).toBeLessThan(html.indexOf('Attention &amp; Transformers'));
    // The lead is not repeated in its section.
    expect(html.split('>Paper 1 on attention</a>').length).toBe(2);
    expect(html.split('>Paper 2 on attention</a>').length).toBe(2);
    expect(html).toContain('Ada Lovelace, Alan Turing, Grace Hopper et al. · Example Lab · ▲ 100 upvotes');
    for (const url of [
      'https://huggingface.co/papers/2611.00000',
      'https://arxiv.org/abs/2611.00000',
      'https://arxiv.org/pdf/2611.00000',
      'https://github.com/example/repo',
      'https://example.org/project',
    ]) {
      expect(html).toContain(`href="${url}"`);
    }
    expect(html).toContain('We study attention in long contexts');
    expect(html).toContain('Paperboy</p>');
    expect(html).toContain('Thursday, 12 November 2026');
  });

  it('names three authors then "et al.", or the count when names are unknown', () => {
    expect(authorLine(['A', 'B'], 2)).toBe('A, B');
    expect(authorLine(['A', 'B', 'C'], 9)).toBe('A, B, C et al.');
    expect(authorLine([], 9)).toBe('9 authors');
    expect(authorLine([], 0)).toBe('');
  });

  it('greets a first digest instead of saying "since your last digest"', () => {
    const first = renderer.fillLinks(renderPapers(renderer, papersOf(3), { first: true }), links, { subscriberId: 7 });
    const later = renderer.fillLinks(renderPapers(renderer, papersOf(3), { first: false }), links, { subscriberId: 7 });
    for (const part of [first.html, first.text]) {
      expect(part).not.toContain('since your last digest');
      expect(part).toContain('Welcome to your first digest');
    }
    expect(later.text).toContain('3 new papers for you since your last digest.');
  });

  it('says when the reader gets it, with the time zone as people name it', async () => {
    const group = renderPapers(renderer, papersOf(2));
    const schedule = { frequency: 'weekly' as const, weekday: 5, sendHour: 9, timezone: 'America/New_York' };
    const mail = await simpleParser(
      rawOf(renderer.personalize(group, { to: 'r@example.org', subscriberId: 7, schedule, messageId: '<s@x>', links })),
    );
    for (const part of [String(mail.html), String(mail.text)]) {
      expect(part).toContain(
        'You get this email every Friday at 09:00 Eastern Time (New York) because you subscribed to Paperboy.',
      );
      expect(part).not.toContain('America/New_York');
    }
  });

  it('declares dark mode and keeps its styles inline, so dropping <style> keeps the look', () => {
    const { html } = renderer.fillLinks(renderPapers(renderer, papersOf(2)), links, { subscriberId: 7 });
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toMatch(/@media \(prefers-color-scheme: dark\)/);
    const bare = html.replace(/<style[\s\S]*?<\/style>/g, '');
    expect(bare).toMatch(
      /<a class="title-link" href="[^"]+" style="color: #0b57d0; text-decoration: none;">Paper 2 on attention<\/a>/,
    );
    expect(bare).toMatch(/<div class="card" style="[^"]*border-bottom: 1px solid #d0d7de;/);
    expect(bare).toMatch(/<div class="lead" style="[^"]*background-color: #eef2ff;/);
  });

  it('hides the preheader without low-contrast text, and keeps it out of the plain text', () => {
    const group = renderPapers(renderer, papersOf(2));
    const { html, text } = renderer.fillLinks(group, links, { subscriberId: 7 });
    const preheader = /<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">([^<]*)<\/div>/.exec(html);
    expect(preheader?.[1]).toBe('Top pick: Paper 1 on attention');
    expect(html).not.toMatch(/font-size:1px|opacity:0/);
    expect(text).not.toContain('Top pick');
    expect(text.startsWith('PAPERBOY · Thursday, 12 November 2026')).toBe(true);
  });

  it('plain text: clear headings and every link of the HTML', async () => {
    const group = renderPapers(renderer, papersOf(3));
    const mail = await simpleParser(
      rawOf(renderer.personalize(group, { to: 'r@example.org', subscriberId: 7, messageId: '<t@x>', links })),
    );
    const text = String(mail.text);
    expect(text).toMatch(/^Your trending papers\n={20}$/m);
    expect(text).toMatch(/^Top paper for you\n-{17}$/m);
    expect(text).toMatch(/^Attention & Transformers\n-{24}$/m);
    const html = String(mail.html);
    expect(hrefs(html).length).toBeGreaterThan(20);
    for (const href of new Set(hrefs(html))) expect(text).toContain(href);
  });

  it('gives every card More / Less like this links signed for that reader and paper', async () => {
    const group = renderPapers(renderer, papersOf(3));
    const forA = await simpleParser(
      rawOf(renderer.personalize(group, { to: 'a@example.org', subscriberId: 11, messageId: '<a@x>', links })),
    );
    const forB = await simpleParser(
      rawOf(renderer.personalize(group, { to: 'b@example.org', subscriberId: 12, messageId: '<b@x>', links })),
    );
    for (const paperId of [1, 2, 3]) {
      for (const vote of ['up', 'down'] as const) {
        expect(forA.html).toContain(`href="${feedbackUrl({ subscriberId: 11, paperId, vote })}"`);
        expect(forB.text).toContain(feedbackUrl({ subscriberId: 12, paperId, vote }));
      }
    }
    expect(forA.html).not.toContain('feedback/12.');
    expect(String(forA.html).match(/>More like this</g)).toHaveLength(3);
    // Without a feedback link builder, cards carry none.
    const withoutFeedback = await testRenderer();
    const plain = withoutFeedback.fillLinks(renderPapers(withoutFeedback, papersOf(2)), links);
    expect(plain.html).not.toContain('More like this');
  });

  it('renders a paper’s card once and reuses it in every email that carries it', () => {
    const papers = papersOf(6);
    const a = renderPapers(renderer, papers);
    const b = renderPapers(renderer, papers.slice(0, 4));
    // Paper 3's card: the very same encoded buffer in both emails.
    const cardOf = (group: typeof a) => group.html.find((p) => 'raw' in p && p.raw.includes('Paper 3 on attention'));
    expect(cardOf(a)).toBeDefined();
    expect(cardOf(a)).toBe(cardOf(b));
  });

  it('ends with "N more papers matched" linking to the web view when the matcher left papers out', async () => {
    const group = renderPapers(renderer, papersOf(3), { moreCount: 4 });
    expect(group.moreCount).toBe(4);
    const mail = await simpleParser(
      rawOf(renderer.personalize(group, { to: 'r@example.org', subscriberId: 7, messageId: '<m@x>', links })),
    );
    expect(mail.html).toMatch(
      /4 more papers matched your lists\. <a class="link" href="https:\/\/papers\.example\.org\/digests\/41\?t=view\.tok"/,
    );
    expect(mail.text).toContain(`4 more papers matched your lists.\nSee them all in your browser:\n${links.view}`);
    const none = renderer.fillLinks(renderPapers(renderer, papersOf(3)), links, { subscriberId: 7 });
    expect(none.html).not.toContain('more papers matched');
  });
});
