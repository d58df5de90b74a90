import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, normaliseEmail, signupSchema } from '../../src/subscriptions/subscriber-input.js';

const base = { email: 'a@example.org', lists: ['trending'] };

describe('sign-up input', () => {
  it('normalises the address and list slugs, dedupes lists, converts form strings', () => {
    const parsed = signupSchema.parse({
      ...base,
      email: '  Ada@Example.ORG ',
      lists: ['Trending', 'trending', 'llm'],
      sendHour: '0',
      weekday: '6',
    });
    expect(parsed).toMatchObject({ email: 'ada@example.org', lists: ['trending', 'llm'], sendHour: 0, weekday: 6 });
    expect(normaliseEmail(' X@Y.Z ')).toBe('x@y.z');
  });

  it('takes one checkbox value as a one-item list', () => {
    expect(signupSchema.parse({ ...base, lists: 'llm' }).lists).toEqual(['llm']);
  });

  it.each([
    ['email', 'a@example.org\r\nBcc: b@example.org'],
    ['email', 'a\u0000@example.org'],
    ['email', '<a@example.org>'],
    ['email', `${'a'.repeat(65)}@example.org`],
    ['email', `a@${'b'.repeat(250)}.org`],
    ['sendHour', '7\r\n'],
    ['sendHour', 7.5],
    ['sendHour', -1],
    ['weekday', 7],
    ['timezone', 'UTC\n'],
    ['timezone', '+05:00'],
    ['timezone', 'Europe/Nowhere'],
    ['frequency', 'monthly'],
    ['lists', ['tr\nending']],
    ['lists', Array.from({ length: 51 }, (_, i) => `l${i}`)],
  ])('refuses %s = %j', (field, value) => {
    expect(signupSchema.safeParse({ ...base, [field]: value }).success).toBe(false);
  });

  it('accepts IANA names in any case and returns the canonical spelling', () => {
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('America/Argentina/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires');
    expect(canonicalTimeZone('Asia/Kolkata')).toMatch(/^Asia\/(Kolkata|Calcutta)$/);
    expect(canonicalTimeZone('../../etc/passwd')).toBeUndefined();
  });
});
