// /api/admin/lists: topic lists and their matching rules.
import { z } from 'zod';
import { uniqueViolation } from '../../db.js';
import { createList, deleteList, findList, listLists, updateList } from '../../lists/list-repo.js';
import { previewListRule } from '../../lists/list-preview.js';
import type { AppDeps } from '../app.js';
import { AppError, ERROR_CODES } from '../errors.js';
import { defineRoute, type AdminRoute } from './route.js';
import { flag } from './schemas.js';

const slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, up to 63');
// Names and keywords are one line: a CR/LF or control character has no place in a heading or a match term.
const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)

    .regex(/^[^\u0000-\u001f\u007f]*$/, 'one line, without control characters');
const keyword = oneLine(100);
const category = z
  .string()
  .trim()
  .regex(/^[A-Za-z-]+(\.[A-Za-z-]+)?$/, 'an arXiv category such as cs.CL')
  .max(40);

export const ListInputSchema = z
  .object({
    slug,
    name: oneLine(100),
    description: z.string().trim().max(2000).optional(),
    public: z.boolean().optional(),
    keywords: z
      .array(keyword)
      .max(200)
      .optional()
      .meta({ description: 'include phrases, matched as phrases (stemmed) in title, abstract and keywords' }),
    categories: z.array(category).max(50).optional(),
    exclude: z.array(keyword).max(200).optional().meta({ description: 'phrases that keep a paper out of this list' }),
    authors: z
      .array(keyword)
      .max(200)
      .optional()
      .meta({ description: 'author names, matched regardless of case and accents' }),
    minUpvotes: z.number().int().min(0).max(1_000_000).optional(),
    maxPapers: z.number().int().min(1).max(50).optional(),
  })
  .strict()
  .meta({ id: 'ListInput' });

export const ListPatchSchema = ListInputSchema.partial().strict().meta({ id: 'ListPatch' });

export const ListSchema = z
  .object({
    id: z.number().int(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    public: z.boolean(),
    keywords: z.array(z.string()),
    categories: z.array(z.string()),
    exclude: z.array(z.string()),
    authors: z.array(z.string()),
    minUpvotes: z.number().int(),
    maxPapers: z.number().int(),
    subscriberCount: z.number().int().meta({ description: 'active subscribers: the ones who get digests' }),
    subscribersByStatus: z
      .object({
        active: z.number().int(),
        pending: z.number().int(),
        unsubscribed: z.number().int(),
        bounced: z.number().int(),
        complained: z.number().int(),
      })
      .meta({ description: "subscriptions to this list by the subscriber's status" }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'List' });

export const ListParams = z.object({ list: z.string().min(1).max(64).meta({ description: 'numeric id or slug' }) });

const MatchQuery = z.object({
  days: z.coerce.number().int().min(1).max(90).default(7).meta({ description: 'look back this many days of papers' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const MatchRuleSchema = ListInputSchema.pick({
  keywords: true,
  categories: true,
  exclude: true,
  authors: true,
  minUpvotes: true,
  maxPapers: true,
})
  .strict()
  .meta({ id: 'ListRule' });

const MatchesSchema = z
  .object({
    window: z.object({ start: z.iso.datetime(), end: z.iso.datetime(), days: z.number().int() }),
    papersConsidered: z.number().int(),
    catchAll: z.boolean().meta({ description: 'the rule takes every paper, by upvotes' }),
    total: z.number().int().meta({ description: 'papers the rule matches in the window' }),
    items: z.array(
      z.object({
        paperId: z.number().int(),
        arxivId: z.string().nullable(),
        title: z.string(),
        upvotes: z.number().int(),
        firstSeenAt: z.iso.datetime(),
        matched: z.array(z.string()),
        why: z.array(
          z.object({
            kind: z.enum(['phrase', 'category', 'author']),
            term: z.string(),
            fields: z
              .array(z.enum(['title', 'keywords', 'abstract']))
              .optional()
              .meta({ description: 'where a phrase was found' }),
          }),
        ),
        reason: z.string(),
        score: z.number().meta({ description: 'the ranking score (README of src/digest)' }),
        inSection: z.boolean().meta({ description: 'among the maxPapers a section would hold' }),
      }),
    ),
  })
  .meta({ id: 'ListMatches' });

export async function requireList(deps: Pick<AppDeps, 'db'>, key: string) {
  const list = await findList(deps.db, key);
  if (!list) throw new AppError(ERROR_CODES.notFound, 404, `No list "${key.slice(0, 64)}"`);
  return list;
}

function slugTaken(error: unknown): never {
  if (uniqueViolation(error)) throw new AppError(ERROR_CODES.conflict, 409, 'A list with this slug already exists');
  throw error;
}

export function listRoutes(deps: AppDeps): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/lists',
      tag: 'lists',
      summary: 'All lists, with subscriber counts',
      responses: { 200: { description: 'The lists', schema: z.object({ items: z.array(ListSchema) }) } },
      handle: async () => ({ body: { items: await listLists(deps.db) } }),
    }),
    defineRoute({
      method: 'post',
      path: '/lists',
      tag: 'lists',
      summary: 'Create a list',
      body: ListInputSchema,
      responses: {
        201: { description: 'The new list', schema: ListSchema },
        409: { description: 'The slug is taken' },
      },
      handle: async ({ body }) => ({ status: 201, body: await createList(deps.db, body).catch(slugTaken) }),
    }),
    defineRoute({
      method: 'post',
      path: '/lists/matches',
      tag: 'lists',
      // A POST only because the draft rule is a body; it saves nothing.
      access: 'read',
      summary: 'What a draft rule would match over recent papers (nothing is saved)',
      query: MatchQuery,
      body: MatchRuleSchema,
      responses: { 200: { description: 'The matching papers, ranked as a digest ranks them', schema: MatchesSchema } },
      handle: async ({ query, body }) => {
        const rule = {
          keywords: body.keywords ?? [],
          categories: body.categories ?? [],
          exclude: body.exclude ?? [],
          authors: body.authors ?? [],
          minUpvotes: body.minUpvotes ?? 0,
          maxPapers: body.maxPapers ?? 10,
        };
        return { body: await previewListRule(deps.db, rule, query) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/lists/:list/matches',
      tag: 'lists',
      summary: "What the list's rule matches over recent papers",
      params: ListParams,
      query: MatchQuery,
      responses: { 200: { description: 'The matching papers, ranked as a digest ranks them', schema: MatchesSchema } },
      handle: async ({ params, query }) => ({
        body: await previewListRule(deps.db, await requireList(deps, params.list), query),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/lists/:list',
      tag: 'lists',
      summary: 'One list',
      params: ListParams,
      responses: { 200: { description: 'The list', schema: ListSchema } },
      handle: async ({ params }) => ({ body: await requireList(deps, params.list) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/lists/:list',
      tag: 'lists',
      summary: 'Change a list, including its matching rule',
      params: ListParams,
      body: ListPatchSchema,
      responses: {
        200: { description: 'The changed list', schema: ListSchema },
        409: { description: 'The new slug is taken' },
      },
      handle: async ({ params, body }) => {
        const list = await requireList(deps, params.list);
        return { body: await updateList(deps.db, list.id, body).catch(slugTaken) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/lists/:list',
      tag: 'lists',
      summary: 'Delete a list',
      description:
        'Refused with 409 while the list has subscribers, unless force=true (their subscriptions to it are removed).',
      params: ListParams,
      query: z.object({ force: flag }),
      responses: { 204: { description: 'Deleted' }, 409: { description: 'The list still has subscribers' } },
      handle: async ({ params, query }) => {
        const list = await requireList(deps, params.list);
        const result = await deleteList(deps.db, list.id, query.force ?? false);
        if (!result.deleted && result.subscribers === 0)
          throw new AppError(ERROR_CODES.notFound, 404, `No list "${params.list.slice(0, 64)}"`);
        if (!result.deleted) {
          throw new AppError(
            ERROR_CODES.conflict,
            409,
            `The list has ${result.subscribers} subscriber(s); add ?force=true to delete it anyway`,
            {
              subscribers: result.subscribers,
            },
          );
        }
        return { status: 204 };
      },
    }),
  ];
}
