// DKIM, checked by an independent verifier: dkimpy (Debian python3-dkim)
// with a stub DNS lookup that answers our selector's TXT record. Both ways
// mail leaves (a composed transactional email, a pre-built digest handed
// over raw) must verify; a second From or List-Unsubscribe added in transit
// must not (the over-signed headers).
import { generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listHeaders } from '../../src/mail/headers.js';
import { createMailTransport, type MailTransport } from '../../src/mail/transport.js';
import { SmtpSink } from '../helpers/smtp-sink.js';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const TXT = `v=DKIM1; k=rsa; p=${keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')}`;

const VERIFY = `
import sys, dkim
record = sys.argv[1].encode()
def dns(name, timeout=5):
    return record if name.rstrip(b'.') == b'pb2026._domainkey.paperboy.test' else None
print('pass' if dkim.verify(sys.stdin.buffer.read(), dnsfunc=dns) else 'fail')
`;

function dkimverify(raw: string): string {
  const result = spawnSync('/usr/bin/python3', ['-c', VERIFY, TXT], {
    input: Buffer.from(raw, 'latin1'),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`dkimpy failed: ${result.stderr}`);
  return result.stdout.trim();
}

// Each check spawns python3: slow on a loaded machine, hence the longer timeout.
describe('DKIM signatures, verified by dkimpy', { timeout: 90_000 }, () => {
  const sink = new SmtpSink();
  let transport: MailTransport;

  beforeAll(async () => {
    await sink.start();
    transport = createMailTransport({
      smtpUrl: sink.url,
      poolSize: 1,
      ratePerSecond: 0,
      dkim: {
        domainName: 'paperboy.test',
        keySelector: 'pb2026',
        privateKey: keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      },
    });
  });
  afterAll(async () => {
    transport.close();
    await sink.stop();
  });

  it('a composed email with long, folded list headers verifies; h= over-signs From, Subject and the List-* headers', async () => {
    await transport.send({
      from: 'Paperboy <digest@paperboy.test>',
      to: 'reader@example.org',
      subject: 'Welcome to Paperboy — ünïcode in the subject',
      html: '<p>Hello</p>',
      text: 'Hello',
      headers: {
        ...listHeaders({
          unsubscribeUrl: `https://paperboy.test/unsubscribe/${'t'.repeat(120)}`,
          unsubscribeMailto: 'unsubscribe@paperboy.test',
          listId: 'Paperboy digest <digest.paperboy.test>',
        }),
        'Auto-Submitted': 'auto-generated',
      },
    });
    const raw = sink.to('reader@example.org')[0]!.raw;
    expect(dkimverify(raw)).toBe('pass');
    const signature = /^DKIM-Signature:[^]*?(?=\r\n\S)/m.exec(raw)![0].replace(/\s+/g, '');
    for (const name of ['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post', 'list-id']) {
      expect(signature).toContain(`${name}:${name}`);
    }
    expect(
      raw
        .slice(0, raw.indexOf('\r\n\r\n'))
        .split('\r\n')
        .every((line) => line.length <= 998),
    ).toBe(true);
  });

  it('a pre-built raw digest verifies, and a second From or List-Unsubscribe added later breaks it', async () => {
    const digest = [
      'From: Paperboy <digest@paperboy.test>',
      'To: raw@example.org',
      'Subject: Your papers',
      'Message-ID: <0123456789abcdef01234567@paperboy.test>',
      'List-Unsubscribe: <https://paperboy.test/unsubscribe/tok>,',
      ' <mailto:unsubscribe@paperboy.test?subject=unsubscribe>',
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
      'List-Id: Paperboy digest <digest.paperboy.test>',
      'Precedence: bulk',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Papers   with trailing spaces   ',
      '',
      '',
    ].join('\r\n');
    await transport.sendRaw({ from: 'bounces+d1-0123456789abcdef@paperboy.test', to: 'raw@example.org' }, [
      Buffer.from(digest),
    ]);
    const raw = sink.to('raw@example.org')[0]!.raw;
    expect(dkimverify(raw)).toBe('pass');
    const at = raw.indexOf('From: Paperboy');
    expect(dkimverify(`${raw.slice(0, at)}From: Someone Else <ceo@paperboy.test>\r\n${raw.slice(at)}`)).toBe('fail');
    expect(dkimverify(`${raw.slice(0, at)}List-Unsubscribe: <https://evil.example/u>\r\n${raw.slice(at)}`)).toBe(
      'fail',
    );
    expect(dkimverify(raw.replace('Papers   with', 'Papers without'))).toBe('fail');
  });
});
