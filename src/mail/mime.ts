// Pre-built MIME: a digest's content group is encoded into an RFC 5322
// message once, with named holes for what differs per subscriber (the To
// header, the Message-ID, links). Filling a hole is string concatenation, so
// the per-email cost is microseconds instead of nodemailer's MIME build.
//
// How holes survive encoding: bodies are quoted-printable, and each literal
// segment between two holes is encoded on its own and ends with a soft line
// break ("=\r\n"). A hole's value is encoded the same way when filled. QP
// decoders drop soft breaks, so the decoded body is exactly
// segment + value + segment …, whatever the line lengths were.
import { randomBytes } from 'node:crypto';
import { headerValue } from './headers.js';

const HEX = Array.from({ length: 256 }, (_, i) => `=${i.toString(16).toUpperCase().padStart(2, '0')}`);
const MAX_LINE = 76;
/** Bytes (read as latin1 characters) that quoted-printable must escape: all but tab, LF and printable ASCII without "=". */
const UNSAFE = /[^\t\n\x20-\x3c\x3e-\x7e]/g;

/**
 * Cuts one encoded line into pieces of at most 75 characters plus "=", never
 * inside an "=XX" escape. The last piece keeps `limit` characters at most
 * (75 when a soft break will follow it).
 */
function wrapLine(line: string, out: string[], limit: number): void {
  let rest = line;
  while (rest.length > limit) {
    let cut = MAX_LINE - 1;
    if (rest[cut - 1] === '=') cut -= 1;
    else if (rest[cut - 2] === '=') cut -= 2;
    out.push(`${rest.slice(0, cut)}=\r\n`);
    rest = rest.slice(cut);
  }
  out.push(rest);
}

/**
 * Quoted-printable (RFC 2045) of UTF-8 text; line breaks become CRLF. Built
 * from native regex replaces and slices, not byte by byte: a digest body is
 * encoded once per content group and link holes once per email.
 */
export function encodeQuotedPrintable(input: string, softBreakAtEnd = false): string {
  const escaped = Buffer.from(input.replace(/\r\n?/g, '\n'), 'utf8')
    .toString('latin1')
    .replace(UNSAFE, (c) => HEX[c.charCodeAt(0)]!);
  const lines = escaped.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    // Whitespace at the end of a hard line would be stripped in transit; before a soft break it is safe.
    const hardEnd = !last || !softBreakAtEnd;
    const fixed = hardEnd && /[ \t]$/.test(line) ? line.slice(0, -1) + HEX[line.charCodeAt(line.length - 1)]! : line;
    const soft = last && softBreakAtEnd && fixed.length > 0;
    wrapLine(fixed, out, soft ? MAX_LINE - 1 : MAX_LINE);
    if (!last) out[out.length - 1] += '\r\n';
    else if (soft) out[out.length - 1] += '=\r\n';
  });
  return out.join('');
}

/** A header value: as is when printable ASCII, else RFC 2047 encoded words, folded. */
export function encodeHeaderText(value: string): string {
  headerValue(value);
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    // 42 bytes → 56 base64 characters: a 68-character word, so even the
    // first line ("Subject: " + word) stays within 78.
    if (Buffer.byteLength(chunk + char) > 42) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

/** "Name <addr>" with a non-ASCII name encoded; the address itself must be ASCII. */
export function encodeAddress(value: string): string {
  headerValue(value);
  const m = /^\s*(.*?)\s*<([^<>\s]+)>\s*$/.exec(value);
  if (!m) return value.trim();
  const [, name = '', address = ''] = m;
  if (!name) return `<${address}>`;
  const bare = name.replace(/^"(.*)"$/, '$1');
  if (!/^[\x20-\x7e]*$/.test(bare)) return `${encodeHeaderText(bare)} <${address}>`;
  return /[()<>[\]:;@\\,."]/.test(bare) ? `"${bare.replace(/["\\]/g, '\\$&')}" <${address}>` : `${bare} <${address}>`;
}

/** The address inside "Name <addr>", for the SMTP envelope. */
export function addressOf(value: string): string {
  const m = /<([^<>\s]+)>/.exec(value);
  return (m ? m[1]! : value).trim();
}

const escapeHtmlAttr = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

type Piece = string | { header: string } | { slot: string; html: boolean };

export interface MimeInput {
  /** Same for every message of the group (From, Subject, List-Id …), already encoded. */
  headers: Array<[string, string]>;
  /** Names of headers each message supplies at fill time (To, Message-ID …). */
  perMessageHeaders: string[];
  text: string;
  html: string;
  /** Slot name → the marker string standing for it in text and html. */
  slots: Record<string, string>;
}

export interface MimeTemplate {
  /**
   * The full message as chunks: the group's pre-encoded parts are shared
   * Buffers (never copied per message), only headers and holes are new.
   * Header values must be encoded already (encodeHeaderText / encodeAddress).
   */
  fill(headers: Record<string, string>, slots: Record<string, string>): Buffer[];
}

function splitBody(body: string, slots: Record<string, string>, html: boolean): Piece[] {
  const byMarker = new Map(Object.entries(slots).map(([name, marker]) => [marker, name]));
  const pattern = new RegExp([...byMarker.keys()].map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of body.matchAll(pattern)) {
    pieces.push(encodeQuotedPrintable(body.slice(last, match.index), true));
    pieces.push({ slot: byMarker.get(match[0])!, html });
    last = match.index + match[0].length;
  }
  pieces.push(`${encodeQuotedPrintable(body.slice(last))}\r\n`);
  return pieces;
}

export function compileMime(input: MimeInput): MimeTemplate {
  // "=_" never occurs in quoted-printable output, so the boundary cannot clash.
  const boundary = `=_pb_${randomBytes(12).toString('hex')}`;
  const pieces: Piece[] = [];
  for (const name of input.perMessageHeaders) pieces.push({ header: name });
  const fixed = input.headers.map(([name, value]) => `${name}: ${headerValue(value.replace(/\r\n /g, '\u0001')).replace(/\u0001/g, '\r\n ')}\r\n`);
  pieces.push(
    [
      ...fixed,
      'MIME-Version: 1.0\r\n',
      `Content-Type: multipart/alternative; boundary="${boundary}"\r\n`,
      '\r\n',
      `--${boundary}\r\n`,
      'Content-Type: text/plain; charset=utf-8\r\n',
      'Content-Transfer-Encoding: quoted-printable\r\n\r\n',
    ].join(''),
  );
  pieces.push(...splitBody(input.text, input.slots, false));
  pieces.push(`--${boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`);
  pieces.push(...splitBody(input.html, input.slots, true));
  pieces.push(`--${boundary}--\r\n`);

  // Adjacent literals merged and encoded once: a fill is a handful of chunks.
  const merged: Array<Buffer | Exclude<Piece, string>> = [];
  let text = '';
  for (const piece of pieces) {
    if (typeof piece === 'string') text += piece;
    else {
      if (text) merged.push(Buffer.from(text, 'latin1'));
      text = '';
      merged.push(piece);
    }
  }
  if (text) merged.push(Buffer.from(text, 'latin1'));

  return {
    fill(headers, slots) {
      return merged.map((piece) => {
        if (Buffer.isBuffer(piece)) return piece;
        if ('header' in piece) {
          const value = headers[piece.header];
          if (value === undefined) throw new Error(`missing header ${piece.header}`);
          // A value may come folded (CRLF + space); any other line break is refused.
          headerValue(value.replace(/\r\n[ \t]/g, ' '));
          return Buffer.from(`${piece.header}: ${value}\r\n`, 'latin1');
        }
        const value = slots[piece.slot];
        if (value === undefined) throw new Error(`missing slot ${piece.slot}`);
        return Buffer.from(encodeQuotedPrintable(piece.html ? escapeHtmlAttr(value) : value, true), 'latin1');
      });
    },
  };
}
