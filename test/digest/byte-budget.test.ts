// Every digest's HTML stays within 90 KB as sent (after transfer encoding),
// whatever the titles or scripts: the cheaper of quoted-printable and base64
// is chosen, and cards past the budget move to the "N more papers" line.
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { HTML_BUDGET, type DigestRenderer } from '../../src/digest/renderer.js';
import { base64Size, encodeQuotedPrintable } from '../../src/mail/mime.js';
import { feedbackUrl, links, papersOf, rawOf, renderPapers, testRenderer, type TestPaper } from './render-fixtures.js';

/** The HTML part exactly as it travels: its transfer encoding and body bytes. */
function htmlAsSent(raw: string): { encoding: string; bytes: number } {
  const m =
    /Content-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: (\S+)\r\n\r\n([\s\S]*?)\r\n--=_pb_/.exec(
      raw,
    );
  if (!m) throw new Error('no HTML part');
  return { encoding: m[1]!, bytes: Buffer.byteLength(m[2]!, 'latin1') };
}

const ENTITIES = `<b>&amp;</b> "quoted" & 'single' <tags> & more & more <>&"' `;
const CJK = '大规模语言模型的注意力机制与长上下文推理研究：一种新的训练方法和评估基准';

describe('byte budget', () => {
  let renderer: DigestRenderer;
  beforeAll(async () => {
    renderer = await testRenderer({ feedbackUrl });
  });

  async function send(papers: TestPaper[]) {
    const group = renderPapers(renderer, papers, { maxPapers: papers.length });
    const raw = rawOf(
      renderer.personalize(group, { to: 'reader@example.org', subscriberId: 123456, messageId: '<b@x>', links }),
    );
    const mail = await simpleParser(raw);
    return { group, raw, mail, sent: htmlAsSent(raw) };
  }

  it('50 cards with entity-heavy titles: at most 90 KB as sent, the rest behind "N more papers"', async () => {
    const papers = papersOf(50, (i) => `Attention ${i}: ${ENTITIES.repeat(4)}`, {
      abstract: `attention ${'&<>"'.repeat(200)}`,
      organization: '&'.repeat(200),
      authors: Array.from({ length: 40 }, (_, i) => `Author <${i}> & "Co"`),
    });
    const { group, mail, sent } = await send(papers);
    expect(sent.bytes).toBeLessThanOrEqual(HTML_BUDGET);
    expect(group.paperCount + group.moreCount).toBe(50);
    expect(group.moreCount).toBeGreaterThan(0);
    expect(mail.html).toContain(`${group.moreCount} more papers matched your lists.`);
    expect(mail.text).toContain(`${group.moreCount} more papers matched your lists.`);
    // Cards past the budget are gone from both parts, the ones before it are whole.
    expect(String(mail.html).match(/>More like this</g)).toHaveLength(group.paperCount);
    expect(String(mail.text).match(/More like this:/g)).toHaveLength(group.paperCount);
    expect(mail.html).toContain('Attention 1: &lt;b&gt;&amp;amp;&lt;/b&gt;');
  });

  it('CJK text goes out as base64, not tripled by quoted-printable, and stays within budget', async () => {
    const papers = papersOf(50, (i) => `${CJK}（第${i}部分）`, {
      abstract: `attention ${CJK.repeat(40)}`,
      organization: '清华大学',
    });
    const { group, mail, sent } = await send(papers);
    expect(sent.encoding).toBe('base64');
    expect(group.mime.encodings.html).toBe('base64');
    expect(sent.bytes).toBeLessThanOrEqual(HTML_BUDGET);
    const decoded = String(mail.html);
    // The encoding chosen is the smaller one.
    expect(sent.bytes).toBeLessThan(encodeQuotedPrintable(decoded).length);
    expect(decoded).toContain(`${CJK}（第1部分）`);
    expect(decoded).toContain(`href="${feedbackUrl({ subscriberId: 123456, paperId: 1, vote: 'up' })}"`);
    expect(mail.text).toContain('清华大学');
  });

  it('Latin text stays quoted-printable when that is smaller', async () => {
    const { group, mail, sent } = await send(papersOf(10));
    expect(sent.encoding).toBe('quoted-printable');
    expect(group.moreCount).toBe(0);
    expect(sent.bytes).toBeLessThanOrEqual(base64Size(Buffer.byteLength(String(mail.html))));
  });

  it('very long titles are cut on the card, and the email stays within budget', async () => {
    const papers = papersOf(30, (i) => `Attention ${i} ${'very long title words '.repeat(2000)}`);
    const { group, mail, sent } = await send(papers);
    expect(sent.bytes).toBeLessThanOrEqual(HTML_BUDGET);
    expect(group.paperCount).toBeGreaterThan(5);
    const title = /<a class="title-link"[^>]*>([^<]*)<\/a>/.exec(String(mail.html))?.[1] ?? '';
    expect(title.length).toBeLessThanOrEqual(300);
    expect(title.endsWith('…')).toBe(true);
    expect(mail.subject!.length).toBeLessThanOrEqual(150);
  });

  it('mixed scripts and emoji: every size of digest stays within budget', async () => {
    for (const count of [1, 15, 25, 50]) {
      const papers = papersOf(count, (i) => `Attention ${i} 😀 Ωμέγα Привет ${CJK} ${ENTITIES}`, {
        abstract: `attention ${'😀 Привет & '.repeat(100)}`,
      });
      const { group, sent } = await send(papers);
      expect(sent.bytes).toBeLessThanOrEqual(HTML_BUDGET);
      expect(group.paperCount + group.moreCount).toBe(count);
    }
  });
});
