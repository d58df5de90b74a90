// /api/admin/papers: list, search, add (through ingest), hide, pin.
import { z } from 'zod';
import {
  asArxivId,
  findPaper,
  findPaperByArxivId,
  findPapersInOrder,
  listPapers,
  setPaperHidden,
  setPaperPinned,
} from '../../admin/paper-admin.js';
import { ingestPaperInput, paperInputBodySchema } from '../../papers/admin-input.js';
import { IngestError } from '../../papers/ingest-error.js';
import { searchPapers } from '../../papers/paper-repo.js';
import { defaultPinEnd, DEFAULT_PIN_DAYS } from '../../papers/pinning.js';
import type { AppDeps } from '../app.js';
import { AppError, ERROR_CODES } from '../errors.js';
import { defineRoute, type AdminRoute } from './route.js';
import { IdParams, day, decodeCursor, flag, pageOf, pageQuery, paged } from './schemas.js';

const date = z.iso.datetime();

export const PaperSchema = z
  .object({
    id: z.number().int(),
    key: z.string(),
    arxivId: z.string().nullable(),
    title: z.string(),
    abstract: z.string(),
    authors: z.array(z.string()),
    organization: z.string().nullable(),
    categories: z.array(z.string()),
    keywords: z.array(z.string()),
    publishedAt: date.nullable(),
    upvotes: z.number().int(),
    url: z.string().nullable(),
    source: z.string(),
    firstSeenAt: date,
    hidden: z.boolean(),
    pinnedUntil: date
      .nullable()
      .meta({ description: 'first in the digests planned before this instant (for readers whose lists take it)' }),
    rank: z.number().optional().meta({ description: 'full-text relevance, when searching with q' }),
  })
  .meta({ id: 'Paper' });

const IngestSummarySchema = z
  .object({
    source: z.string(),
    fetched: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    skipped: z.array(z.object({ index: z.number().int(), id: z.string().optional(), reason: z.string() })),
  })
  .meta({ id: 'IngestSummary' });

const PinBody = z.object({
  until: z.iso
    .datetime({ offset: true })
    .refine((value) => Date.parse(value) > Date.now(), 'must be in the future')
    .optional()
    .meta({ description: `when the pin ends; ${DEFAULT_PIN_DAYS} days from now when left out` }),
});

const PaperListQuery = z.object({
  q: z.string().trim().max(200).optional().meta({
    description:
      'an arXiv id, or words for a full-text search of titles and abstracts ("quoted phrases", OR, -word); results ranked, visible papers only, no cursor',
  }),
  hidden: flag,
  since: day.optional().meta({ description: 'first seen on or after this UTC day' }),
  ...pageQuery,
});

function paperNotFound(): never {
  throw new AppError(ERROR_CODES.notFound, 404, 'No such paper');
}

export function paperRoutes(deps: AppDeps): AdminRoute[] {
  const hideRoute = (hidden: boolean) =>
    defineRoute({
      method: 'post',
      path: `/papers/:id/${hidden ? 'hide' : 'unhide'}`,
      tag: 'papers',
      summary: hidden ? 'Hide a paper: it is never sent again' : 'Make a hidden paper eligible again',
      params: IdParams,
      responses: { 200: { description: 'The paper', schema: PaperSchema } },
      handle: async ({ params }) => ({ body: (await setPaperHidden(deps.db, params.id, hidden)) ?? paperNotFound() }),
    });
  return [
    defineRoute({
      method: 'get',
      path: '/papers',
      tag: 'papers',
      summary: 'List papers (cursor-paged by id), or search them with q (ranked)',
      query: PaperListQuery,
      responses: { 200: { description: 'One page', schema: paged(PaperSchema) } },
      handle: async ({ query }) => {
        const { cursor, limit, q, hidden } = query;
        const since = query.since ? new Date(`${query.since}T00:00:00Z`) : undefined;
        if (q) {
          const arxivId = asArxivId(q);
          if (arxivId) {
            const paper = await findPaperByArxivId(deps.db, arxivId);
            return { body: { items: paper ? [paper] : [], nextCursor: null } };
          }
          const hits = hidden ? [] : await searchPapers(deps.db, q, { since, limit });
          const rank = new Map(hits.map((hit) => [hit.id, hit.rank]));
          const items = (
            await findPapersInOrder(
              deps.db,
              hits.map((hit) => hit.id),
            )
          ).map((p) => ({ ...p, rank: rank.get(p.id) }));
          return { body: { items, nextCursor: null } };
        }
        const rows = await listPapers(
          deps.db,
          { hidden, since },
          { afterId: cursor ? decodeCursor(cursor) : undefined, limit },
        );
        return { body: pageOf(rows, limit) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/papers',
      tag: 'papers',
      summary: 'Add or update papers (the same upsert as every ingest source)',
      description:
        "One paper or an array; each item in Paperboy's shape or as a Hugging Face daily-papers item. Bad items are skipped and reported.",
      rawBody: {
        contentType: 'application/json',
        description: 'A paper or an array of papers',
        schema: paperInputBodySchema,
      },
      responses: {
        201: { description: 'At least one paper was created', schema: IngestSummarySchema },
        200: { description: 'Nothing new: papers updated, unchanged or skipped', schema: IngestSummarySchema },
        413: { description: 'Too many papers in one request' },
      },
      handle: async ({ req }) => {
        try {
          const summary = await ingestPaperInput(deps.db, req.body, { logger: deps.logger, metrics: deps.metrics });
          return { status: summary.created > 0 ? 201 : 200, body: summary };
        } catch (error) {
          if (error instanceof IngestError && error.code === 'too_large')
            throw new AppError(ERROR_CODES.tooLarge, 413, error.message);
          if (error instanceof IngestError) throw new AppError(ERROR_CODES.validation, 400, error.message);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/papers/:id',
      tag: 'papers',
      summary: 'One paper',
      params: IdParams,
      responses: { 200: { description: 'The paper', schema: PaperSchema } },
      handle: async ({ params }) => ({ body: (await findPaper(deps.db, params.id)) ?? paperNotFound() }),
    }),
    hideRoute(true),
    hideRoute(false),
    defineRoute({
      method: 'post',
      path: '/papers/:id/pin',
      tag: 'papers',
      summary: 'Pin a paper: first in every digest planned until `until`',
      description:
        "A pin reorders: the paper leads each section whose rule takes it, and the email, for readers who have not had it. It adds the paper to no other reader's email. A hidden paper stays out whatever its pin.",
      params: IdParams,
      body: PinBody,
      responses: { 200: { description: 'The paper', schema: PaperSchema } },
      handle: async ({ params, body }) => {
        const until = body.until ? new Date(body.until) : defaultPinEnd();
        return { body: (await setPaperPinned(deps.db, params.id, until)) ?? paperNotFound() };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/papers/:id/unpin',
      tag: 'papers',
      summary: "End a paper's pin",
      params: IdParams,
      responses: { 200: { description: 'The paper', schema: PaperSchema } },
      handle: async ({ params }) => ({ body: (await setPaperPinned(deps.db, params.id, null)) ?? paperNotFound() }),
    }),
  ];
}
