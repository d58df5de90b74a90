// What a reader (or an admin) may send about a subscriber, validated once
// with zod. Every text field refuses control characters (a CR or LF must
// never reach a header or a log line) and angle brackets (no markup is ever
// a legitimate part of an address, a list slug or a time zone).
import { z } from 'zod';
import { interestFields, interestsSchema, papersPerEmailSchema } from './interests.js';
import { plainText } from './plain-text.js';

export { plainText };

export const FORM_VERSION = 'landing-v1';

export const MAX_EMAIL_LENGTH = 254;
export const MAX_LISTS = 50;
export const DEFAULT_PREFERENCES = { timezone: 'UTC', sendHour: 7, frequency: 'daily', weekday: 1 } as const;

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** Trimmed and lower-cased: one subscriber per mailbox, however it was typed. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const emailSchema = plainText(1000)
  .transform(normaliseEmail)
  .pipe(
    z
      .string()
      .min(1, { error: 'Enter your email address' })
      .max(MAX_EMAIL_LENGTH, { error: `Must be at most ${MAX_EMAIL_LENGTH} characters` })
      .pipe(z.email({ error: 'Enter a valid email address, like name@example.org' }))
      .refine((value) => (value.split('@')[0] ?? '').length <= 64, {
        error: 'Enter a valid email address, like name@example.org',
      }),
  );

const ZONES = new Map(['UTC', ...Intl.supportedValuesOf('timeZone')].map((zone) => [zone.toLowerCase(), zone]));

/** The canonical IANA name for a zone, or undefined when there is no such zone. */
export function canonicalTimeZone(value: string): string | undefined {
  const known = ZONES.get(value.toLowerCase());
  if (known) return known;
  // Aliases the list above leaves out (e.g. Asia/Kolkata on older ICU): shape
  // check first, so offsets and free text are not handed to Intl.
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){1,2}$/.test(value)) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return value;
  } catch {
    return undefined;
  }
}

/** Every zone a reader can pick, UTC first. */
export function timeZoneNames(): string[] {
  return [...ZONES.values()];
}

export const timezoneSchema = plainText(64).transform((value, ctx) => {
  const zone = canonicalTimeZone(value.trim());
  if (!zone) {
    ctx.addIssue({ code: 'custom', message: 'Choose a known time zone, like Europe/Paris' });
    return z.NEVER;
  }
  return zone;
});

/**
 * Form fields arrive as strings; JSON as numbers. Both become integers. Only
 * plain digits convert: Number() would forgive "7\r\n", and the rule is that
 * no field with a line break gets through.
 */
const intField = (min: number, max: number, what: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^[0-9]{1,3}$/.test(value) ? Number(value) : value),
    z
      .number({ error: `Choose a ${what}` })
      .int({ error: `Choose a ${what}` })
      .min(min, { error: `Choose a ${what}` })
      .max(max, { error: `Choose a ${what}` }),
  );

export const sendHourSchema = intField(0, 23, 'whole hour from 0 to 23');
export const weekdaySchema = intField(0, 6, 'weekday from 0 (Sunday) to 6 (Saturday)');
export const frequencySchema = z.enum(['daily', 'weekly'], { error: 'Choose daily or weekly' });

/** A checkbox group sends one string for one box and an array for several. */
export const listSlugsSchema = z.preprocess(
  (value): unknown[] => (value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value]),
  z
    .array(
      plainText(64).transform((slug) => slug.trim().toLowerCase()),
      { error: 'Must be a list of list names' },
    )
    .max(MAX_LISTS, { error: `Choose at most ${MAX_LISTS} lists` })
    .transform((slugs) => [...new Set(slugs.filter(Boolean))]),
);

/** Preferences a reader chooses; all optional so callers can update some. */
export const preferencesSchema = z.object({
  timezone: timezoneSchema.optional(),
  sendHour: sendHourSchema.optional(),
  frequency: frequencySchema.optional(),
  weekday: weekdaySchema.optional(),
  papersPerEmail: papersPerEmailSchema.optional(),
  interests: interestsSchema.optional(),
});

export type PreferencesInput = z.output<typeof preferencesSchema>;

/** Forms send interests as flat fields (textareas, checkboxes); the rest of the code takes one `interests` object. */
function nestInterests<T extends { include: string[]; exclude: string[]; categories: string[]; authors: string[] }>(
  input: T,
) {
  const { include, exclude, categories, authors, ...rest } = input;
  return { ...rest, interests: { include, exclude, categories, authors } };
}

/** The public sign-up form (and its JSON twin); interests sit under "Advanced". */
export const signupSchema = preferencesSchema
  .omit({ interests: true })
  .extend({
    email: emailSchema,
    lists: listSlugsSchema.refine((slugs) => slugs.length > 0, { error: 'Choose at least one list' }),
    /** Honeypot: hidden from people, filled by naive bots. Any value is accepted here and acted on later. */
    website: z.string().max(2000).optional(),
    ...interestFields,
  })
  .transform(nestInterests);

export type SignupInput = z.output<typeof signupSchema>;

/** The preference page form. */
export const preferencesFormSchema = preferencesSchema
  .omit({ interests: true })
  .extend({
    lists: listSlugsSchema.refine((slugs) => slugs.length > 0, {
      error: 'Choose at least one list, or unsubscribe from everything below',
    }),
    ...interestFields,
  })
  .transform(nestInterests);

export type PreferencesFormInput = z.output<typeof preferencesFormSchema>;
