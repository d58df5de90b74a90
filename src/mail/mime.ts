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

/** Quoted-printable (RFC 2045) of UTF-8 text; line breaks become CRLF. */
export function encodeQuotedPrintable(input: string, softBreakAtEnd = false): string {
  const bytes = Buffer.from(input.replace(/\r\n?/g, '\n'), 'utf8');
  const out: string[] = [];
  let line = '';
  const closeHardLine = () => {
    // Whitespace at the end of a line would be stripped in transit.
    const last = line.charCodeAt(line.length - 1);
    if (last === 0x20 || last === 0x09) {
      const encoded = HEX[last]!;
      if (line.length - 1 + encoded.length > MAX_LINE) {
        out.push(`${line.slice(0, -1)}=\r\n`);
        line = encoded;
      } else line = line.slice(0, -1) + encoded;
    }
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      closeHardLine();
      out.push(`${line}\r\n`);
      line = '';
      continue;
    }
    const piece = (b >= 33 && b <= 126 && b !== 61) || b === 0x20 || b === 0x09 ? String.fromCharCode(b) : HEX[b]!;
    // Leave room for the "=" of a soft break.
    if (line.length + piece.length > MAX_LINE - 1) {
      out.push(`${line}=\r\n`);
      line = '';
    }
    line += piece;
  }
  if (softBreakAtEnd) {
    if (line) out.push(`${line}=\r\n`);
  } else {
    closeHardLine();
    out.push(line);
  }
  return out.join('');
}

/** A header value: as is when printable ASCII, else RFC 2047 encoded words, folded. */
export function encodeHeaderText(value: string): string {
  headerValue(value);
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    // 45 bytes → 60 base64 characters, so each word stays under 75.
    if (Buffer.byteLength(chunk + char) > 45) {
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
  return /[()<>\[\]:;@\\,."]/.test(bare) ? `"${bare.replace(/["\\]/g, '\\$&')}" <${address}>` : `${bare} <${address}>`;
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
  /** The full message. Header values must be encoded already (encodeHeaderText / encodeAddress). */
  fill(headers: Record<string, string>, slots: Record<string, string>): string;
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

  // Adjacent literals merged, so a fill joins a handful of strings.
  const merged: Piece[] = [];
  for (const piece of pieces) {
    const prev = merged[merged.length - 1];
    if (typeof piece === 'string' && typeof prev === 'string') merged[merged.length - 1] = prev + piece;
    else merged.push(piece);
  }

  return {
    fill(headers, slots) {
      let out = '';
      for (const piece of merged) {
        if (typeof piece === 'string') out += piece;
        else if ('header' in piece) {
          const value = headers[piece.header];
          if (value === undefined) throw new Error(`missing header ${piece.header}`);
          out += `${piece.header}: ${headerValue(value)}\r\n`;
        } else {
          const value = slots[piece.slot];
          if (value === undefined) throw new Error(`missing slot ${piece.slot}`);
          out += encodeQuotedPrintable(piece.html ? escapeHtmlAttr(value) : value, true);
        }
      }
      return out;
    },
  };
}
