// The one flag reader every command uses: a user's mistake becomes a usage
// message naming the flag, a mistake in the command's own option table stays
// an error, and `paperboy import`, which has no other test of its flags, is
// checked here too.
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../src/cli/flags.js';
import { parseImportArgs } from '../../src/cli/import.js';

describe('parseFlags', () => {
  it('returns the values, or a message naming the flag it cannot take', () => {
    const options = { once: { type: 'boolean' }, name: { type: 'string' } } as const;
    expect(parseFlags(['--once', '--name', 'x'], options)).toEqual({ once: true, name: 'x' });
    expect(parseFlags([], options)).toEqual({});
    expect(parseFlags(['--bogus'], options)).toMatch(/Unknown option '--bogus'/);
    expect(parseFlags(['--name'], options)).toMatch(/--name/);
    expect(parseFlags(['extra'], {})).toMatch(/Unexpected argument 'extra'/);
  });

  it('throws on an option table node cannot read, instead of blaming the user', () => {
    const broken = { name: { type: 'text' } } as unknown as Record<string, { type: 'string' }>;
    expect(() => parseFlags([], broken)).toThrow();
  });
});

describe('parseImportArgs', () => {
  it('maps flags to an import or a usage error', () => {
    expect(parseImportArgs(['--file', 'a.csv'])).toEqual({ file: 'a.csv', status: 'pending', existing: 'skip' });
    expect(parseImportArgs(['--file', 'a.csv', '--status', 'active', '--existing', 'update'])).toEqual({
      file: 'a.csv',
      status: 'active',
      existing: 'update',
    });
    expect(parseImportArgs([])).toMatch(/--file PATH is required/);
    expect(parseImportArgs(['--file', 'a.csv', '--status', 'weird'])).toMatch(/--status must be pending or active/);
    expect(parseImportArgs(['--file', 'a.csv', '--bogus'])).toMatch(/Unknown option '--bogus'/);
  });
});
