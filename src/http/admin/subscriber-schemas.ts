// Request and response shapes for /api/admin/subscribers. Field rules come
// from the sign-up's own schemas (src/subscriptions/subscriber-input.ts), so
// an admin cannot store what a reader could not.
import { z } from 'zod';
import {
  emailSchema,
  frequencySchema,
  listSlugsSchema,
  sendHourSchema,
  timezoneSchema,
  weekdaySchema,
} from '../../subscriptions/subscriber-input.js';
import { interestsSchema, papersPerEmailSchema, PAPERS_PER_EMAIL } from '../../subscriptions/interests.js';
import { pageQuery, paged } from './schemas.js';

export const STATUSES = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'] as const;
export const statusSchema = z.enum(STATUSES);

export const SubscriberFilterQuery = z.object({
  status: statusSchema.optional(),
  list: z.string().trim().toLowerCase().max(64).optional().meta({ description: 'list slug' }),
  q: z.string().trim().max(254).optional().meta({ description: 'address fragment, case-insensitive' }),
});

export const SubscriberListQuery = SubscriberFilterQuery.extend(pageQuery);

export const SubscriberCreateSchema = z
  .object({
    email: emailSchema,
    lists: listSlugsSchema.refine((slugs) => slugs.length > 0, { error: 'name at least one list' }),
    status: z.enum(['active', 'pending']).default('pending').meta({
      description: 'pending (default) sends a confirmation email; active means you vouch for consent',
    }),
    timezone: timezoneSchema.optional(),
    sendHour: sendHourSchema.optional(),
    frequency: frequencySchema.optional(),
    weekday: weekdaySchema.optional(),
    papersPerEmail: papersPerEmailSchema
      .optional()
      .meta({ description: 'cards in one email: 5, 10 (default), 15 or 25' }),
    interests: interestsSchema.optional(),
  })
  .strict()
  .meta({ id: 'SubscriberCreate' });

export const SubscriberPatchSchema = z
  .object({
    status: statusSchema.optional(),
    lists: listSlugsSchema.optional().meta({ description: 'replaces the list slugs' }),
    timezone: timezoneSchema.optional(),
    sendHour: sendHourSchema.optional(),
    frequency: frequencySchema.optional(),
    weekday: weekdaySchema.optional(),
    papersPerEmail: papersPerEmailSchema.optional(),
    interests: interestsSchema
      .optional()
      .meta({ description: 'replaces the interests; a part left out becomes empty' }),
  })
  .strict()
  .meta({ id: 'SubscriberPatch' });

const date = z.iso.datetime();

export const SubscriberSchema = z
  .object({
    id: z.number().int(),
    email: z.string().nullable(),
    status: statusSchema,
    timezone: z.string(),
    sendHour: z.number().int(),
    frequency: z.enum(['daily', 'weekly']),
    weekday: z.number().int(),
    papersPerEmail: z
      .number()
      .int()
      .meta({ description: PAPERS_PER_EMAIL.join(' | ') }),
    interests: z.object({
      include: z.array(z.string()),
      exclude: z.array(z.string()),
      categories: z.array(z.string()),
      authors: z.array(z.string()),
    }),
    lists: z.array(z.string()).meta({ description: 'list slugs' }),
    createdAt: date,
    confirmedAt: date.nullable(),
    unsubscribedAt: date.nullable(),
    bounceCount: z.number().int(),
  })
  .meta({ id: 'Subscriber' });

export const SubscriberDetailSchema = SubscriberSchema.extend({
  subscriptions: z.array(
    z.object({ list: z.string(), name: z.string(), createdAt: date, confirmedAt: date.nullable() }),
  ),
  deliveries: z.array(
    z.object({
      id: z.number().int(),
      digestId: z.number().int(),
      period: z.string(),
      status: z.enum(['pending', 'sending', 'sent', 'skipped', 'failed']),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      smtpResponse: z.string().nullable().meta({ description: "the relay's reply" }),
      createdAt: date,
      sentAt: date.nullable(),
    }),
  ),
  consents: z
    .array(
      z.object({
        action: z.string(),
        lists: z.array(z.string()),
        ip: z.string().nullable(),
        userAgent: z.string().nullable(),
        formVersion: z.string().nullable(),
        createdAt: date,
      }),
    )
    .meta({ description: 'consent evidence, newest first' }),
  ratings: z
    .object({ up: z.number().int(), down: z.number().int() })
    .meta({ description: "the reader's current votes from the More/Less like this links" }),
}).meta({ id: 'SubscriberDetail' });

export const SubscriberPageSchema = paged(SubscriberSchema);

export const ImportQuery = z.object({
  status: z.enum(['active', 'pending']).default('pending').meta({
    description: 'active: you vouch for consent. pending (default): each new subscriber gets a confirmation email',
  }),
  existing: z.enum(['skip', 'update']).default('skip').meta({
    description:
      'update: replace the preferences the file gives and add its lists (pending to active with status=active); someone who unsubscribed, bounced or complained only has preferences updated',
  }),
});

export const ImportReportSchema = z
  .object({
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int(),
    errors: z.array(
      z.object({ row: z.number().int().meta({ description: 'the header is row 1' }), message: z.string() }),
    ),
    errorCount: z.number().int(),
    errorsTruncated: z.boolean(),
  })
  .meta({ id: 'ImportReport' });
