// Pre-built MIME: a digest's content group is encoded into an RFC 5322
// message once, with named holes for what differs per subscriber (the To
// header, the Message-ID, links). Filling a hole is string concatenation, so
// the per-email cost is microseconds instead of nodemailer's MIME build.
//
// A body is a list of fragments and holes. Each fragment is encoded once,
// both ways: as quoted-printable ending with a soft line break ("=\r\n"), so
// fragments and filled holes concatenate on line boundaries (QP decoders drop
// soft breaks: the decoded body is exactly fragment + value + fragment …), and
// as raw UTF-8 for base64. A part goes out in whichever encoding is smaller:
// quoted-printable for Latin text, base64 for CJK, where QP triples the bytes.
import { randomBytes } from 'node:crypto';
import { headerValue } from './headers.js';

const HEX = Array.from({ length: 256 }, (_, i) => `=${i.toString(16).toUpperCase().padStart(2, '0')}`);
const MAX_LINE = 76;
/** Bytes (read as latin1 characters) that quoted-printable must escape: all but tab, LF and printable ASCII without "=". */
const UNSAFE = /[^\t\n\x20-\x3c\x3e-\x7e]/g;
/** Printable ASCII without "=" or spaces (a trailing space would need escaping), short enough for one line. */
const SHORT_PLAIN = /^[\x21-\x3c\x3e-\x7e]{0,75}$/;
/** One line of printable ASCII: only "=" needs escaping, no UTF-8 round trip. */
const PRINTABLE_LINE = /^[\x20-\x7e]*$/;

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
  // Links filled per email are short printable ASCII: nothing to escape or wrap.
  if (input.length <= MAX_LINE - 1 && SHORT_PLAIN.test(input)) return softBreakAtEnd && input ? `${input}=\r\n` : input;
  // Signed links are longer than a line but still printable ASCII: they only need "=" escaped and wrapping.
  const escaped = PRINTABLE_LINE.test(input)
    ? input.replaceAll('=', HEX[0x3d]!)
    : Buffer.from(input.replace(/\r\n?/g, '\n'), 'utf8')
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

/** A literal piece of a body, encoded once and shared by every message that carries it. */
export interface Fragment {
  raw: Buffer;
  /** Quoted-printable, ending with a soft line break (or empty). */
  qp: Buffer;
}

/** A hole a message fills at send time (a personal link). */
export interface Slot {
  slot: string;
}

export type BodyPiece = Fragment | Slot;

export function fragment(text: string): Fragment {
  return { raw: Buffer.from(text, 'utf8'), qp: Buffer.from(encodeQuotedPrintable(text, true), 'latin1') };
}

export const isSlot = (piece: BodyPiece): piece is Slot => 'slot' in piece;

/**
 * Cuts a body at its markers: `${prefix}<name>` becomes the slot <name>
 * (letters, digits and "-"). The prefix must be something outside text
 * cannot contain, such as a URL with a per-process random part.
 */
export function splitSlots(body: string, prefix: string): BodyPiece[] {
  const pattern = new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([A-Za-z0-9-]+)`, 'g');
  const pieces: BodyPiece[] = [];
  let last = 0;
  for (const match of body.matchAll(pattern)) {
    if (match.index > last) pieces.push(fragment(body.slice(last, match.index)));
    pieces.push({ slot: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < body.length) pieces.push(fragment(body.slice(last)));
  return pieces;
}

/** Bytes a body takes as sent in each encoding; every slot counted as `slotBytes`. */
export function encodedSizes(
  pieces: readonly BodyPiece[],
  slotBytes: number,
): { quotedPrintable: number; base64: number } {
  let qp = 0;
  let raw = 0;
  for (const piece of pieces) {
    if (isSlot(piece)) {
      qp += slotBytes;
      raw += slotBytes;
    } else {
      qp += piece.qp.length;
      raw += piece.raw.length;
    }
  }
  return { quotedPrintable: qp + 2, base64: base64Size(raw) };
}

/** Base64 of n bytes in lines of 76 characters, each ending CRLF. */
export function base64Size(bytes: number): number {
  const chars = Math.ceil(bytes / 3) * 4;
  return chars + 2 * Math.ceil(chars / 76);
}

function wrapBase64(data: Buffer): string {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return `${lines.join('\r\n')}\r\n`;
}

export type TransferEncoding = 'quoted-printable' | 'base64';

interface CompiledPart {
  encoding: TransferEncoding;
  html: boolean;
  pieces: BodyPiece[];
}

export interface MimeInput {
  /** Same for every message of the group (From, Subject, List-Id …), already encoded. */
  headers: Array<[string, string]>;
  /** Names of headers each message supplies at fill time (To, Message-ID …). */
  perMessageHeaders: string[];
  text: BodyPiece[];
  html: BodyPiece[];
  /** Bytes a filled slot is assumed to take when choosing the encoding. */
  slotBytes?: number;
}

export interface MimeTemplate {
  /**
   * The full message as chunks: the group's pre-encoded parts are shared
   * Buffers (never copied per message), only headers and holes are new.
   * Header values must be encoded already (encodeHeaderText / encodeAddress).
   */
  fill(headers: Record<string, string>, slots: Record<string, string>): Buffer[];
  readonly encodings: { text: TransferEncoding; html: TransferEncoding };
}

function choosePart(pieces: BodyPiece[], html: boolean, slotBytes: number): CompiledPart {
  const size = encodedSizes(pieces, slotBytes);
  return { encoding: size.base64 < size.quotedPrintable ? 'base64' : 'quoted-printable', html, pieces };
}

type Chunk = Buffer | { header: string } | { part: CompiledPart };

// "=_" never occurs in quoted-printable or base64 output, so a boundary
// cannot clash with a body and need not be unpredictable: a random part per
// process and a counter tell messages apart without a randomBytes call per
// content group, which personal digests pay per email.
const BOUNDARY_PREFIX = `=_pb_${randomBytes(8).toString('hex')}_`;
let boundaries = 0;

export function compileMime(input: MimeInput): MimeTemplate {
  const boundary = `${BOUNDARY_PREFIX}${(boundaries++).toString(36)}`;
  const slotBytes = input.slotBytes ?? 200;
  const text = choosePart(input.text, false, slotBytes);
  const html = choosePart(input.html, true, slotBytes);
  const chunks: Chunk[] = [];
  let literal = '';
  const flush = () => {
    if (literal) chunks.push(Buffer.from(literal, 'latin1'));
    literal = '';
  };
  for (const name of input.perMessageHeaders) chunks.push({ header: name });
  literal += input.headers
    .map(
      ([name, value]) => `${name}: ${headerValue(value.replace(/\r\n /g, '\u0001')).replace(/\u0001/g, '\r\n ')}\r\n`,
    )
    .join('');
  literal += `MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="${boundary}"\r\n\r\n`;
  for (const part of [text, html]) {
    literal += `--${boundary}\r\nContent-Type: text/${part.html ? 'html' : 'plain'}; charset=utf-8\r\nContent-Transfer-Encoding: ${part.encoding}\r\n\r\n`;
    flush();
    if (part.encoding === 'base64') {
      chunks.push({ part });
      continue;
    }
    // Quoted-printable: the fragments' own encoded Buffers, shared with every
    // message that carries them (a group is often one email: copying them
    // into a group-wide Buffer would only add a copy).
    for (const piece of part.pieces) {
      if (isSlot(piece)) chunks.push({ part: { ...part, pieces: [piece] } });
      else if (piece.qp.length) chunks.push(piece.qp);
    }
    literal += '\r\n';
  }
  literal += `--${boundary}--\r\n`;
  flush();

  const slotValue = (part: CompiledPart, slots: Record<string, string>, name: string): string => {
    const value = slots[name];
    if (value === undefined) throw new Error(`missing slot ${name}`);
    return part.html ? escapeHtmlAttr(value) : value;
  };

  return {
    encodings: { text: text.encoding, html: html.encoding },
    fill(headers, slots) {
      // Each link shows in both parts, some twice in one: a value is encoded once per message.
      const encoded = new Map<string, Buffer>();
      const quotedPrintable = (value: string) => {
        let bytes = encoded.get(value);
        if (!bytes) encoded.set(value, (bytes = Buffer.from(encodeQuotedPrintable(value, true), 'latin1')));
        return bytes;
      };
      return chunks.map((chunk) => {
        if (Buffer.isBuffer(chunk)) return chunk;
        if ('header' in chunk) {
          const value = headers[chunk.header];
          if (value === undefined) throw new Error(`missing header ${chunk.header}`);
          // A value may come folded (CRLF + space); any other line break is refused.
          headerValue(value.replace(/\r\n[ \t]/g, ' '));
          return Buffer.from(`${chunk.header}: ${value}\r\n`, 'latin1');
        }
        const { part } = chunk;
        if (part.encoding === 'quoted-printable') {
          const slot = part.pieces[0] as Slot;
          return quotedPrintable(slotValue(part, slots, slot.slot));
        }
        return Buffer.from(
          wrapBase64(
            Buffer.concat(
              part.pieces.map((p) => (isSlot(p) ? Buffer.from(slotValue(part, slots, p.slot), 'utf8') : p.raw)),
            ),
          ),
          'latin1',
        );
      });
    },
  };
}

/** A body with its slots filled, as one string (previews, tests). */
export function joinBody(pieces: readonly BodyPiece[], slots: Record<string, string>, html: boolean): string {
  return pieces
    .map((p) => {
      if (!isSlot(p)) return p.raw.toString('utf8');
      const value = slots[p.slot];
      if (value === undefined) throw new Error(`missing slot ${p.slot}`);
      return html ? escapeHtmlAttr(value) : value;
    })
    .join('');
}
