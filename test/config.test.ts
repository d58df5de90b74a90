import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { spawnSync } from 'node:child_process';

describe('loadConfig', () => {
  it('has a working local default for every variable of the spec in development', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config.databaseUrl).toBe('postgresql://postgres@127.0.0.1:5432/paperboy');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.smtpUrl).toBe('smtp://127.0.0.1:1025');
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.port).toBe(3000);
    expect(config.queuePrefix).toBe('paperboy');
    expect(config.hfBaseUrl).toBe('https://huggingface.co');
    expect(config.arxivBaseUrl).toBe('https://export.arxiv.org');
    expect(config.mailFrom).toContain('@');
    expect(config.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(config.adminToken.length).toBeGreaterThanOrEqual(16);
  });

  it.each([
    ['DATABASE_URL', 'mysql://nope'],
    ['DATABASE_URL', 'not a url'],
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['QUEUE_PREFIX', 'has:colon'],
    ['SECRET_KEY', 'short'],
  ])('rejects %s=%s with a message naming it', (name, value) => {
    expect(() => loadConfig({ NODE_ENV: 'development', [name]: value })).toThrow(name);
  });

  it.each([{}, { NODE_ENV: 'production' }, { NODE_ENV: '' }])(
    'refuses the public secrets with %o, naming both',
    (env) => {
      expect(() => loadConfig(env)).toThrow(/SECRET_KEY[^]*ADMIN_TOKEN/);
    },
  );

  it('refuses the public admin token in production even when SECRET_KEY is set', () => {
    const secretKey = 'a-private-secret-key-a-private-secret-key';
    expect(() => loadConfig({ NODE_ENV: 'production', SECRET_KEY: secretKey })).toThrow('ADMIN_TOKEN');
    expect(() => loadConfig({ SECRET_KEY: secretKey, ADMIN_TOKEN: 'dev-admin-token-change-me' })).toThrow(
      'ADMIN_TOKEN',
    );
    // Production also wants real addresses (src/config.ts productionChecks).
    const config = loadConfig({
      SECRET_KEY: secretKey,
      ADMIN_TOKEN: 'a-private-admin-token',
      MAIL_FROM: 'digest@papers.example.org',
      UNSUBSCRIBE_MAILTO: 'unsubscribe@papers.example.org',
    });
    expect(config.env).toBe('production');
    expect(config.adminToken).toBe('a-private-admin-token');
  });

  it.each(['development', 'test'])('uses the public secrets with NODE_ENV=%s', (NODE_ENV) => {
    expect(loadConfig({ NODE_ENV }).adminToken).toBe('dev-admin-token-change-me');
  });

  describe('production start-up checks', () => {
    const PROD = {
      NODE_ENV: 'production',
      SECRET_KEY: 'prod-secret-prod-secret-prod-secret-0123',
      ADMIN_TOKEN: 'prod-admin-token-0123456789',
      PUBLIC_URL: 'https://papers.example.org',
      MAIL_FROM: 'Paperboy <digest@papers.example.org>',
      UNSUBSCRIBE_MAILTO: 'unsubscribe@papers.example.org',
    };

    it.each([
      [{ PUBLIC_URL: 'http://papers.example.org' }, 'PUBLIC_URL', 'https://'],
      [{ MAIL_FROM: 'Paperboy <digest@localhost>' }, 'MAIL_FROM', 'set MAIL_FROM'],
      [{ UNSUBSCRIBE_MAILTO: undefined }, 'UNSUBSCRIBE_MAILTO', 'set UNSUBSCRIBE_MAILTO'],
      [
        { DKIM_DOMAIN: 'other.example.net', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: 'k' },
        'DKIM_DOMAIN',
        'set DKIM_DOMAIN',
      ],
    ])('refuses %j, naming %s and what to set', (override, name, advice) => {
      expect(() => loadConfig({ ...PROD, ...override })).toThrow(name);
      expect(() => loadConfig({ ...PROD, ...override })).toThrow(advice);
    });

    it('allows http for a loopback host and a DKIM domain aligned with From (relaxed: a parent or a subdomain)', () => {
      expect(loadConfig({ ...PROD, PUBLIC_URL: 'http://127.0.0.1:3000' }).publicUrl).toBe('http://127.0.0.1:3000');
      expect(loadConfig({ ...PROD, PUBLIC_URL: 'http://localhost:3000' }).publicUrl).toBe('http://localhost:3000');
      expect(
        loadConfig({ ...PROD, DKIM_DOMAIN: 'example.org', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: 'k' }).warnings,
      ).toEqual([]);
    });

    it('warns loudly when DKIM is off', () => {
      expect(loadConfig(PROD).warnings).toEqual([expect.stringContaining('DKIM is OFF')]);
      expect(loadConfig({ NODE_ENV: 'development' }).warnings).toEqual([]);
    });

    it('takes several relays from SMTP_URLS and the bounce domain from MAIL_FROM', () => {
      const config = loadConfig({ ...PROD, SMTP_URLS: 'smtp://a.example:587, smtps://b.example:465' });
      expect(config.deliverability.smtpUrls).toEqual(['smtp://a.example:587', 'smtps://b.example:465']);
      expect(config.deliverability.bounceDomain).toBe('papers.example.org');
      expect(loadConfig({ NODE_ENV: 'development' }).deliverability.smtpUrls).toEqual(['smtp://127.0.0.1:1025']);
      expect(() => loadConfig({ NODE_ENV: 'development', SMTP_URLS: 'smtp://a.example, http://b.example' })).toThrow(
        'SMTP_URLS',
      );
    });
  });

  it('strips a trailing slash from PUBLIC_URL so links are built one way', () => {
    expect(loadConfig({ NODE_ENV: 'development', PUBLIC_URL: 'https://papers.example.org/' }).publicUrl).toBe(
      'https://papers.example.org',
    );
  });

  it('points PUBLIC_URL at PORT when it is not set, so links follow the port', () => {
    expect(loadConfig({ NODE_ENV: 'development', PORT: '3401' }).publicUrl).toBe('http://localhost:3401');
    expect(
      loadConfig({ NODE_ENV: 'development', PORT: '3401', PUBLIC_URL: 'https://papers.example.org' }).publicUrl,
    ).toBe('https://papers.example.org');
  });
});

describe('paperboy start with bad configuration', () => {
  it.each([
    ['DATABASE_URL', 'postgres//missing-colon'],
    ['PORT', 'abc'],
  ])('exits non-zero naming %s', (name, value) => {
    const result = spawnSync(process.execPath, ['bin/paperboy.js', 'start'], {
      env: { ...process.env, [name]: value },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain(name);
  });

  it('refuses to start with NODE_ENV unset and no secrets, naming both', () => {
    const { NODE_ENV: _unset, SECRET_KEY: _s, ADMIN_TOKEN: _a, ...rest } = process.env;
    const result = spawnSync(process.execPath, ['bin/paperboy.js', 'start'], {
      env: rest,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('SECRET_KEY');
    expect(result.stderr).toContain('ADMIN_TOKEN');
  });
});
