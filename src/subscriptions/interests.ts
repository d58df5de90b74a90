// A reader's interests and papers per email: their shape and columns, owned
// here with the rest of a subscriber's preferences (src/digest reads them),
// and validated once with zod for the admin API (JSON arrays) and the forms
// (one phrase per line, checkboxes).
import { z } from 'zod';
import { canonicalCategory } from '../papers/arxiv-taxonomy.js';
import { plainText } from './plain-text.js';

/** A reader's own rule: the "For you" section, and exclusions for the whole email. */
export interface Interests {
  include: string[];
  exclude: string[];
  categories: string[];
  authors: string[];
}

export const PAPERS_PER_EMAIL = [5, 10, 15, 25] as const;
export const DEFAULT_PAPERS_PER_EMAIL = 10;

/** The four Subscriber columns that hold interests, for a Prisma select. */
export const INTEREST_FIELDS = {
  interestInclude: true,
  interestExclude: true,
  interestCategories: true,
  interestAuthors: true,
} as const;

/** A subscriber's interests from its four columns. */
export function interestsOf(row: {
  interestInclude: string[];
  interestExclude: string[];
  interestCategories: string[];
  interestAuthors: string[];
}): Interests {
  return {
    include: row.interestInclude,
    exclude: row.interestExclude,
    categories: row.interestCategories,
    authors: row.interestAuthors,
  };
}

export const MAX_INTEREST_ENTRIES = 50;
export const MAX_INTEREST_CHARS = 100;

/** A textarea sends one string (one entry per line); JSON sends an array. */
function entries(value: unknown): unknown {
  if (value === undefined) return [];
  if (typeof value === 'string')
    return value
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean);
  return value;
}

const entry = plainText(MAX_INTEREST_CHARS)
  .transform((value) => value.trim().replace(/\s+/g, ' '))
  .refine((value) => value.length > 0, { error: 'Must not be empty' });

const entryList = (what: string) =>
  z.preprocess(
    entries,
    z
      .array(entry, { error: `Must be a list of ${what}` })
      .max(MAX_INTEREST_ENTRIES, { error: `At most ${MAX_INTEREST_ENTRIES} ${what}` })
      .transform((values) => [...new Set(values)]),
  );

const category = plainText(40).transform((value, ctx) => {
  const known = canonicalCategory(value);
  if (!known) {
    ctx.addIssue({ code: 'custom', message: `Unknown arXiv category “${value.trim().slice(0, 40)}”` });
    return z.NEVER;
  }
  return known;
});

/** A checkbox group sends one string for one box and an array for several. */
export const categoriesSchema = z.preprocess(
  (value): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
  z
    .array(category, { error: 'Must be a list of arXiv categories' })
    .max(MAX_INTEREST_ENTRIES, { error: `At most ${MAX_INTEREST_ENTRIES} categories` })
    .transform((values) => [...new Set(values)]),
);

export const interestFields = {
  include: entryList('phrases').meta({
    description: 'phrases, matched as phrases (stemmed) in title, abstract and keywords',
  }),
  exclude: entryList('phrases').meta({
    description: 'phrases that keep a paper out of every section of this reader’s email',
  }),
  categories: categoriesSchema.meta({ description: 'arXiv categories, e.g. cs.CL' }),
  authors: entryList('names').meta({ description: 'author names, matched regardless of case and accents' }),
};

export const interestsSchema = z.object(interestFields).strict().meta({ id: 'Interests' });

export type InterestsInput = z.output<typeof interestsSchema>;

export const papersPerEmailSchema = z.preprocess(
  (value) => (typeof value === 'string' && /^[0-9]{1,2}$/.test(value) ? Number(value) : value),
  z.union(
    PAPERS_PER_EMAIL.map((n) => z.literal(n)) as [
      z.ZodLiteral<5>,
      z.ZodLiteral<10>,
      z.ZodLiteral<15>,
      z.ZodLiteral<25>,
    ],
    {
      error: `Choose ${PAPERS_PER_EMAIL.join(', ')} papers per email`,
    },
  ),
);

/** The four Subscriber columns that hold interests. */
export function interestColumns(interests: InterestsInput | undefined) {
  if (!interests) return {};
  return {
    interestInclude: interests.include,
    interestExclude: interests.exclude,
    interestCategories: interests.categories,
    interestAuthors: interests.authors,
  };
}
