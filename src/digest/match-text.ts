// Text folding for matching, pure. Papers and rules pass through the same
// functions, so a phrase matches when its stemmed words appear in a paper's
// field in the same order and next to each other: the in-process equivalent
// of Postgres's `phraseto_tsquery('english', …) @@ search`, word boundaries
// and stemming included ("diffusion models" matches "diffusion modeling").
import { stemmer } from 'stemmer';

/** Lower-case, accents folded, split on anything but letters and digits. */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const stems = new Map<string, string>();

/** Porter stem of one lower-case word; numbers and short words stay as they are. */
function stem(word: string): string {
  if (word.length <= 2 || /\d/.test(word)) return word;
  let known = stems.get(word);
  if (known === undefined) {
    known = stemmer(word);
    // Bounded: paper vocabularies are large, the hot words are few.
    if (stems.size > 200_000) stems.clear();
    stems.set(word, known);
  }
  return known;
}

/** " w1 w2 … " of stems: a phrase needle is found with includes(). */
export function stemmedText(text: string): string {
  const tokens = words(text).map(stem);
  return tokens.length ? ` ${tokens.join(' ')} ` : ' ';
}

/** Several short texts (keywords) that a phrase must not span. */
export function stemmedTexts(texts: readonly string[]): string {
  return texts.length ? ` ${texts.map((t) => stemmedText(t).trim()).join(' | ')} ` : ' ';
}

/** The needle for a phrase, or null for one with no words. */
export function phraseNeedle(phrase: string): string | null {
  const needle = stemmedText(phrase);
  return needle === ' ' ? null : needle;
}

/** A person's name folded for comparison: "José  García-Pérez" → ["jose", "garcia", "perez"]. */
export function nameWords(name: string): string[] {
  return words(name);
}

/**
 * Does a followed name designate this author? Case and accents never
 * matter; the surname must agree, and every other word of the followed name
 * must be one of the author's (an initial "Y." stands for "Yann").
 */
export function sameAuthor(followed: readonly string[], author: readonly string[]): boolean {
  if (!followed.length || !author.length || followed[followed.length - 1] !== author[author.length - 1]) return false;
  return followed.slice(0, -1).every((w) => author.some((a) => a === w || (w.length === 1 && a.startsWith(w))));
}
