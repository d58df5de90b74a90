import { describe, expect, it, beforeAll } from 'vitest';
import { simpleParser } from 'mailparser';
import { type DigestRenderer } from '../../src/digest/renderer.js';
import { compileMime, encodeQuotedPrintable, splitSlots } from '../../src/mail/mime.js';
import { loadDigestTemplate } from '../../src/digest/renderer.js';
import { links, now, papersOf, rawOf, renderPapers, sectionsFor, testRenderer } from './render-fixtures.js';

describe('digest rendering and MIME', () => {
  let renderer: DigestRenderer;
  beforeAll(async () => {
    renderer = await testRenderer();
  });

  const render = (papers: ReturnType<typeof papersOf>) => renderPapers(renderer, papers);

  it('builds a message with list headers, a unique Message-ID, a text part and the subscriber links', async () => {
    const group = render(papersOf(3));
    const raw = rawOf(
      renderer.personalize(group, {
        subscriberId: 2,
        to: 'reader@example.org',
        messageId: '<digest-1.s2.abc@papers.example.org>',
        links,
      }),
    );
    const mail = await simpleParser(raw);
    expect(mail.messageId).toBe('<digest-1.s2.abc@papers.example.org>');
    const header = (name: string) => mail.headerLines.find((h) => h.key === name)?.line;
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    // Folded after the comma: no header line passes 78 characters.
    expect(raw).toContain(
      'List-Unsubscribe: <https://papers.example.org/unsubscribe/unsub.tok>,\r\n <mailto:unsubscribe@papers.example.org?subject=unsubscribe>',
    );
    expect(
      raw
        .slice(0, raw.indexOf('\r\n\r\n'))
        .split('\r\n')
        .every((line) => line.length <= 78),
    ).toBe(true);
    expect(raw).toMatch(/^Precedence: bulk\r$/m);
    expect(raw).toMatch(/^Auto-Submitted: auto-generated\r$/m);
    expect(raw).toMatch(/^Feedback-ID: 2026-11-12:digest:papers\.example\.org\r$/m);
    expect(raw).toContain('List-Id: Paperboy digest <digest.papers.example.org>');
    expect(mail.subject).toBe('Paper 1 on attention +2 more · 2026-11-12');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Paperboy Digest', address: 'digest@papers.example.org' });
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('reader@example.org');
    expect(mail.html).toContain(`href="${links.view}"`);
    expect(mail.html).toContain(`href="${links.unsubscribe}"`);
    expect(mail.html).toContain(`href="${links.preferences}"`);
    expect(mail.html).not.toContain('slot.invalid');
    expect(mail.text).toContain('Paper 2 on attention');
    expect(mail.text).toContain(`Unsubscribe:\n${links.unsubscribe}`);
    expect(mail.text).toContain('Matches “attention”');
    expect(mail.text).not.toContain('slot.invalid');
  });

  it('names the best paper in a subject under 70 characters before the date', () => {
    const long = 'A remarkably long paper title about attention that goes on and on well past any inbox width';
    const group = render(papersOf(12, (i) => (i === 1 ? long : `Paper ${i} on attention`)));
    expect(group.subject.startsWith('A remarkably long paper title')).toBe(true);
    expect(group.subject.endsWith(' +11 more · 2026-11-12')).toBe(true);
    expect(group.subject.length - '2026-11-12'.length).toBeLessThanOrEqual(70);
  });

  it('escapes titles that contain HTML and folds header line breaks; non-ASCII subjects are encoded words', async () => {
    const papers = papersOf(2, (i) =>
      i === 1 ? 'Évaluer <img src=x onerror=alert(1)> & "attention"\r\nBcc: evil@example.org' : 'attention',
    );
    const group = render(papers);
    const raw = rawOf(
      renderer.personalize(group, {
        subscriberId: 2,
        to: 'reader@example.org',
        messageId: '<m1@papers.example.org>',
        links,
      }),
    );
    expect(raw).not.toMatch(/^Bcc:/im);
    expect(raw).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    const mail = await simpleParser(raw);
    // The line break folds into a space; the long title is shortened to keep the subject short.
    expect(mail.subject).toBe('Évaluer <img src=x onerror=alert(1)> & "attention" Bcc:… +1 more · 2026-11-12');
    expect(mail.html).toContain('Évaluer &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; &quot;attention&quot;');
    expect(mail.html).not.toContain('<img src=x');
    expect(mail.headers.get('bcc')).toBeUndefined();
  });

  it('starts every email as the template renders its start whole, with the values escaped', async () => {
    const papers = papersOf(3, (i) => (i === 1 ? 'Lead <b>"bold"</b> & Ünïcode' : `Paper ${i}`));
    const input = {
      period: '2026-11-12',
      sections: sectionsFor(papers),
      papers: new Map(papers.map((p) => [p.id, p])),
    };
    const group = renderer.renderGroup(input);
    const filled = renderer.fillLinks(group, links);
    const template = await loadDigestTemplate();
    const whole = template.start({ ...renderer.view(input), subject: group.subject, links });
    expect(whole).toContain('Top pick: Lead &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; Ünïcode');
    // Links are filled as attribute values, where "=" needs no escape (handlebars escapes it anyway).
    expect(filled.html.startsWith(whole.replaceAll('&#x3D;', '='))).toBe(true);
    const mail = await simpleParser(
      rawOf(
        renderer.personalize(group, { subscriberId: 2, to: 'r@example.org', messageId: '<s@x>', links, date: now }),
      ),
    );
    expect(mail.html).toBe(filled.html);
  });

  it('keeps a 15-paper digest under 102 KB of HTML', async () => {
    const group = render(papersOf(15));
    const raw = rawOf(
      renderer.personalize(group, {
        subscriberId: 2,
        to: 'reader@example.org',
        messageId: '<m2@papers.example.org>',
        links,
      }),
    );
    const mail = await simpleParser(raw);
    const bytes = Buffer.byteLength(String(mail.html));
    expect(group.paperCount).toBe(15);
    expect(bytes).toBeLessThan(102 * 1024);
    expect(bytes).toBeGreaterThan(10 * 1024);
  });

  it('a reason filled into a cached card reads as if the card were rendered with it, in both parts', async () => {
    const papers = papersOf(4);
    const card = (paperId: number, reason: string) => ({ paperId, reason });
    const long = `For you: matches “attention”, “long contexts”, “what you need” · also in ${'Tom & Jerry <Lab>, '.repeat(4)}Trending`;
    const sections = [
      { name: 'For you', kind: 'personal', cards: [card(1, 'For you: matches “attention”'), card(2, long)] },
      { name: 'Attention & Transformers', cards: [card(3, long), card(4, '')] },
    ];
    const input = { period: '2026-11-12', sections, papers: new Map(papers.map((p) => [p.id, p])) };
    const group = renderer.renderGroup(input);
    // Another reason for the same (cached) cards must not leak into this email.
    renderer.renderGroup({
      ...input,
      sections: sections.map((s) => ({ ...s, cards: s.cards.map((c) => ({ ...c, reason: 'Other' })) })),
    });
    const filled = renderer.fillLinks(group, links);
    const mail = await simpleParser(
      rawOf(
        renderer.personalize(group, { subscriberId: 2, to: 'r@example.org', messageId: '<r@x>', links, date: now }),
      ),
    );
    expect(mail.html).toBe(filled.html);
    expect(mail.text).toBe(filled.text);
    expect(filled.html).toContain(
      `">${long.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')}</p>`,
    );
    // Wrapped as one paragraph, as textCard wraps it: how the lines fall depends on the reason.
    expect(filled.text).toContain(
      '\n\n  Why: For you: matches “attention”, “long contexts”, “what you need” · also\n  in Tom & Jerry <Lab>, Tom & Jerry <Lab>, Tom & Jerry <Lab>, Tom & Jerry\n  <Lab>, Trending\n\n',
    );
    expect(filled.html).not.toContain('Other');
    expect(filled.html.match(/color: #1a7f37;">/g)).toHaveLength(3);
    expect(filled.html).not.toContain('slot.invalid');
    expect(filled.text).not.toContain('slot.invalid');
  });

  it('fills one pre-built group for many subscribers: only links and headers differ', async () => {
    const group = render(papersOf(5));
    const a = rawOf(
      renderer.personalize(group, { subscriberId: 2, to: 'a@example.org', messageId: '<a@x>', links, date: now }),
    );
    const b = rawOf(
      renderer.personalize(group, {
        subscriberId: 2,
        to: 'b@example.org',
        messageId: '<b@x>',
        links: { ...links, unsubscribe: 'https://papers.example.org/unsubscribe/other' },
        date: now,
      }),
    );
    const [ma, mb] = await Promise.all([simpleParser(a), simpleParser(b)]);
    expect(String(ma.html).replace(links.unsubscribe, 'U')).toBe(
      String(mb.html).replace('https://papers.example.org/unsubscribe/other', 'U'),
    );
    expect(mb.html).toContain('https://papers.example.org/unsubscribe/other');
  });

  it('quoted-printable holes decode to exactly the joined text, whatever the line lengths', async () => {
    for (const len of [0, 1, 70, 74, 75, 76, 77, 150]) {
      const before = `${'é'.repeat(len % 7)}${'x'.repeat(len)} `;
      const hole = 'https://slot.invalid/x/';
      const mime = compileMime({
        headers: [['Subject', 's']],
        perMessageHeaders: ['To'],
        text: splitSlots(`${before}${hole}v tail=1\n`, hole),
        html: splitSlots(`<p>${before}${hole}v</p>`, hole),
      });
      const value = `https://e.org/${'t'.repeat(len)}?t=a.b`;
      const mail = await simpleParser(rawOf(mime.fill({ To: 'x@e.org' }, { v: value })));
      expect(mail.text).toBe(`${before}${value} tail=1\n`);
      expect(mime.encodings).toEqual({ text: 'quoted-printable', html: 'quoted-printable' });
      expect(mail.html).toBe(`<p>${before}${value}</p>`);
    }
    for (const line of encodeQuotedPrintable('a'.repeat(300) + ' \n' + 'ü'.repeat(100), false).split('\r\n'))
      expect(line.length).toBeLessThanOrEqual(76);
  });
});

describe('quoted-printable', () => {
  it('property: decodes back to the input, lines never longer than 76', async () => {
    const fc = (await import('fast-check')).default;
    const { decode } = (await import('libqp')) as unknown as { decode: (s: string) => Buffer };
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ unit: 'grapheme' }),
            fc.constantFrom(' ', '\t', '=', '\n', '.', 'é', '€', 'x'.repeat(80)),
          ),
          { maxLength: 40 },
        ),
        fc.boolean(),
        (parts, soft) => {
          const input = parts.join('');
          const encoded = encodeQuotedPrintable(input, soft);
          for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
          expect(decode(encoded).toString('utf8')).toBe(input.replace(/\r\n?/g, '\n').replace(/\n/g, '\r\n'));
        },
      ),
      { numRuns: 300 },
    );
  });
});
