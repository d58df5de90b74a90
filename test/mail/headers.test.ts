import { describe, expect, it } from 'vitest';
import { headerValue, HeaderInjectionError, listHeaders, listIdFor, subjectLine } from '../../src/mail/headers.js';

describe('mail headers', () => {
  it('builds RFC 8058 one-click unsubscribe headers with https and mailto', () => {
    const headers = listHeaders({
      unsubscribeUrl: 'https://papers.example.org/unsubscribe/tok',
      unsubscribeMailto: 'unsubscribe@papers.example.org',
      listId: listIdFor('https://papers.example.org'),
    });
    expect(headers['List-Unsubscribe']).toBe(
      '<https://papers.example.org/unsubscribe/tok>, <mailto:unsubscribe@papers.example.org?subject=unsubscribe>',
    );
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(headers['List-Id']).toBe('Paperboy digest <digest.papers.example.org>');
  });

  it.each(['a\r\nBcc: victim@example.org', 'a\nb', 'a\rb', 'a\0b'])('refuses %j in a header value', (value) => {
    expect(() => headerValue(value)).toThrow(HeaderInjectionError);
  });

  it('folds line breaks out of subjects and caps their length', () => {
    expect(subjectLine('Attention\r\nBcc: x@example.org')).toBe('Attention Bcc: x@example.org');
    expect(subjectLine('x'.repeat(400)).length).toBe(150);
  });
});
