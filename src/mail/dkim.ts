// DKIM signing (RFC 6376, rsa-sha256, relaxed/relaxed) of a finished
// message. Not nodemailer's signer: that one lists each header once, so a
// second From or List-Unsubscribe added in transit would leave the signature
// valid. Here the headers a forger would add are over-signed: h= names them
// once more than they occur, and the extra, absent instance hashes as the
// null string, so any added copy breaks the signature.
import { createHash, createSign } from 'node:crypto';

export interface DkimOptions {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/** Signed when present, in this order. */
const SIGNED = [
  'from',
  'sender',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'to',
  'cc',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'in-reply-to',
  'references',
  'list-id',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'feedback-id',
  'precedence',
  'auto-submitted',
];
/** Signed once more than they occur: adding a copy in transit breaks the signature. */
export const OVER_SIGNED = new Set(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post', 'list-id']);

interface HeaderField {
  name: string;
  /** The whole field as it appears, folds included, without the final CRLF. */
  raw: string;
}

function splitMessage(message: string): { fields: HeaderField[]; body: string } {
  const end = message.indexOf('\r\n\r\n');
  const head = end < 0 ? message : message.slice(0, end);
  const body = end < 0 ? '' : message.slice(end + 4);
  const fields: HeaderField[] = [];
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1]!.raw += `\r\n${line}`;
    else if (line) fields.push({ name: line.slice(0, line.indexOf(':')).trim().toLowerCase(), raw: line });
  }
  return { fields, body };
}

export function relaxedHeader(raw: string): string {
  const colon = raw.indexOf(':');
  const name = raw.slice(0, colon).trim().toLowerCase();
  const value = raw
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}`;
}

export function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.length ? `${lines.join('\r\n')}\r\n` : '';
}

/** The message with a DKIM-Signature field in front. The message must use CRLF line ends (every MIME builder here does). */
export function dkimSign(message: Buffer, options: DkimOptions, now = new Date()): Buffer {
  // latin1 keeps every byte as one character, so hashing gives back the original bytes.
  const { fields, body } = splitMessage(message.toString('latin1'));
  const bodyHash = createHash('sha256').update(relaxedBody(body), 'latin1').digest('base64');

  const names: string[] = [];
  const canonical: string[] = [];
  for (const name of SIGNED) {
    // Instances are taken from the bottom up (RFC 6376 5.4.2).
    const instances = fields.filter((f) => f.name === name).reverse();
    if (!instances.length && !OVER_SIGNED.has(name)) continue;
    for (const field of instances) {
      names.push(name);
      canonical.push(`${relaxedHeader(field.raw)}\r\n`);
    }
    if (OVER_SIGNED.has(name)) names.push(name);
  }

  const tags = [
    `v=1; a=rsa-sha256; c=relaxed/relaxed; d=${options.domainName}; s=${options.keySelector}; t=${Math.floor(now.getTime() / 1000)};`,
    // h= folds after a colon (FWS is allowed there), so no line passes 78 characters.
    `h=${names
      .join(':')
      .replace(/(.{1,60}:)/g, '$1\r\n\t')
      .replace(/\r\n\t$/, '')};`,
    `bh=${bodyHash};`,
    'b=',
  ];
  const header = `DKIM-Signature: ${tags.join('\r\n\t')}`;
  const signer = createSign('RSA-SHA256');
  signer.update(canonical.join('') + relaxedHeader(header), 'latin1');
  const signature = signer.sign(options.privateKey, 'base64');
  const folded = signature.replace(/.{1,72}/g, (chunk, offset: number) => (offset ? `\r\n\t${chunk}` : chunk));
  return Buffer.concat([Buffer.from(`${header}${folded}\r\n`, 'latin1'), message]);
}
