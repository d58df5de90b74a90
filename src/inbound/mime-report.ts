// Just enough MIME to read delivery reports: header blocks (unfolded),
// multipart bodies split on their boundary, base64 and quoted-printable
// parts decoded. Reports are small and machine-written; anything that does
// not parse is a MalformedReportError, never a crash.

export class MalformedReportError extends Error {
  override name = 'MalformedReportError';
}

export type Headers = Map<string, string[]>;

export interface MimePart {
  headers: Headers;
  /** Lower-case type/subtype; text/plain when absent. */
  type: string;
  params: Record<string, string>;
  body: string;
  parts: MimePart[];
}

const MAX_DEPTH = 4;
const MAX_PARTS = 50;

/** Header block → fields (names lower-cased, values unfolded) and what follows the blank line. */
export function parseHeaderBlock(text: string): { headers: Headers; body: string } {
  const normalized = text.replace(/\r?\n/g, '\n');
  const end = normalized.search(/\n\n|^\n/);
  const head = end < 0 ? normalized : normalized.slice(0, end);
  const body = end < 0 ? '' : normalized.slice(end).replace(/^\n\n?/, '');
  const headers: Headers = new Map();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { headers, body };
}

export function header(headers: Headers, name: string): string | undefined {
  return headers.get(name)?.[0];
}

function parseContentType(value: string | undefined): { type: string; params: Record<string, string> } {
  if (!value) return { type: 'text/plain', params: {} };
  const [type = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const m of rest.join(';').matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|([^\s;]+))/g))
    params[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return { type: type.trim().toLowerCase(), params };
}

function decode(body: string, encoding: string | undefined): string {
  switch (encoding?.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('latin1');
    case 'quoted-printable':
      return body
        .replace(/=\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    default:
      return body;
  }
}

export function parseMime(raw: string, depth = 0): MimePart {
  const { headers, body } = parseHeaderBlock(raw);
  const { type, params } = parseContentType(header(headers, 'content-type'));
  const part: MimePart = {
    headers,
    type,
    params,
    body: decode(body, header(headers, 'content-transfer-encoding')),
    parts: [],
  };
  if (!type.startsWith('multipart/')) return part;
  const boundary = params.boundary;
  if (!boundary || depth >= MAX_DEPTH) throw new MalformedReportError(`${type} without a usable boundary`);
  const delimiter = `--${boundary}`;
  const chunks = body.split(new RegExp(`^${delimiter.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:--)?[ \t]*$`, 'm'));
  if (chunks.length < 3) throw new MalformedReportError(`${type} with no parts`);
  // chunks[0] is the preamble; the last one the epilogue.
  for (const chunk of chunks.slice(1, -1).slice(0, MAX_PARTS))
    part.parts.push(parseMime(chunk.replace(/^\n/, ''), depth + 1));
  return part;
}

/** The first part (depth first) of one of these types. */
export function findPart(root: MimePart, types: string[]): MimePart | undefined {
  if (types.includes(root.type)) return root;
  for (const child of root.parts) {
    const found = findPart(child, types);
    if (found) return found;
  }
  return undefined;
}

/** A delivery-status or feedback-report body: blocks of fields separated by blank lines. */
export function parseFieldBlocks(body: string): Headers[] {
  return body
    .replace(/\r?\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((block) => parseHeaderBlock(`${block}\n\n`).headers)
    .filter((fields) => fields.size > 0);
}
