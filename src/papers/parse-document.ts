// Turns a fetched or read document into data, failing the run with a clear
// message when it is empty, an HTML page (a login wall, a rate-limit or
// error page served with 200), invalid JSON, or XML that is invalid or
// declares entities.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { IngestError, upstreamSnippet } from './ingest-error.js';

/** Fails on an empty body or an HTML page, whatever format was expected. */
export function checkNotHtml(label: string, text: string, contentType = ''): void {
  const head = text.slice(0, 512).trimStart().toLowerCase();
  if (head.length === 0) throw new IngestError('empty', `${label}: empty document`);
  if (/^(<!doctype html|<html[\s>])/.test(head) || (/text\/html/i.test(contentType) && head.startsWith('<'))) {
    throw new IngestError('html', `${label}: got an HTML page instead of data (an error or login page?)`);
  }
}

export function parseJsonDocument(label: string, text: string, contentType = ''): unknown {
  checkNotHtml(label, text, contentType);
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new IngestError('invalid_json', `${label}: invalid JSON (${upstreamSnippet(detail)})`);
  }
}

// Entity processing is off: no DOCTYPE entity can expand (billion laughs,
// external entities). The five predefined entities and character references
// are decoded by decodeXmlText, which cannot expand anything.
const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Ids like 2501.00663 and titles like "1984" stay strings.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ['entry', 'author', 'category', 'link'].includes(name),
});

/** Parses XML that has no DOCTYPE; anything declaring entities is refused before parsing. */
export function parseXmlDocument(label: string, text: string, contentType = ''): unknown {
  checkNotHtml(label, text, contentType);
  // Atom feeds never carry a DOCTYPE. Refusing one outright is the only way
  // to be sure no entity declaration is ever read, whatever the parser does.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new IngestError('unsafe_xml', `${label}: XML with a DOCTYPE or entity declarations is refused`);
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line } = valid.err;
    throw new IngestError('invalid_xml', `${label}: invalid XML at line ${line} (${upstreamSnippet(msg)})`);
  }
  try {
    return parser.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new IngestError('invalid_xml', `${label}: invalid XML (${upstreamSnippet(detail)})`);
  }
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes the five predefined XML entities and numeric character references
 * in one pass (so "&amp;lt;" stays "&lt;" as text). Unknown names are left as
 * they are: HTML in a title is kept as text, and escaping is the renderer's job.
 */
export function decodeXmlText(value: string): string {
  return value.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/gi, (match, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : match;
    }
    return PREDEFINED[ref] ?? match;
  });
}
