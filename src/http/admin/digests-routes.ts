// /api/admin/digests and /deliveries: trigger a period, follow it, preview a
// subscriber's email, resend a failed delivery. All of it is the digest
// service's (src/digest/digest-service.ts); these routes only translate.
import { z } from 'zod';
import {
  DigestActionError,
  getDigestStatus,
  listDigests,
  previewDigest,
  resendDelivery,
  triggerDigest,
  type DigestStatus,
} from '../../digest/digest-service.js';
import type { AppDeps } from '../app.js';
import { AppError, ERROR_CODES } from '../errors.js';
import { defineRoute, type AdminRoute } from './route.js';
import { IdParams, day, decodePeriodCursor, encodePeriodCursor, pageOf, pageQuery, paged } from './schemas.js';

export const DigestSchema = z
  .object({
    id: z.number().int(),
    period: z.string().meta({ example: '2026-01-05' }),
    status: z.enum(['planning', 'sending', 'done', 'failed']),
    planned: z.number().int(),
    sent: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
    progress: z.number().meta({ description: '(sent + skipped + failed) / planned, 0..1' }),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Digest' });

/** `period` is the word; `date` stays accepted as an alias. */
const PeriodBody = z
  .object({
    period: day.optional().meta({ example: '2026-01-05' }),
    date: day.optional().meta({ description: 'alias of period', deprecated: true }),
  })
  .strict()
  .refine((b) => (b.period === undefined) !== (b.date === undefined), {
    message: 'period is required (YYYY-MM-DD)',
    path: ['period'],
  });

const TriggeredSchema = DigestSchema.extend({
  run: z
    .object({
      id: z.string().meta({ example: 'digest-plan-2026-01-05' }),
      state: z.string().meta({ description: 'waiting, delayed, active, …', example: 'waiting' }),
    })
    .meta({ description: 'the planning run this trigger started, or joined' }),
}).meta({ id: 'DigestTriggered' });

const PreviewSchema = z
  .object({
    subscriberId: z.number().int(),
    period: z.string(),
    subject: z.string().nullable().meta({ description: 'null when nothing matched: no email would go out' }),
    html: z.string().nullable(),
    text: z.string().nullable(),
    paperIds: z.array(z.number().int()),
    sections: z.array(
      z.object({
        listId: z.number().int().nullable().meta({ description: 'null for the personal sections' }),
        kind: z.enum(['personal', 'recommended', 'trending', 'list', 'more']),
        name: z.string(),
        papers: z.array(z.object({ id: z.number().int(), title: z.string(), reason: z.string() })),
      }),
    ),
  })
  .meta({ id: 'DigestPreview' });

/** A previewed email shown in a browser: its own inline styles, never a script. */
const PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; sandbox";

function withProgress(digest: DigestStatus) {
  const done = digest.sent + digest.skipped + digest.failed;
  const progress = digest.planned
    ? Math.min(1, Math.round((done / digest.planned) * 10_000) / 10_000)
    : digest.status === 'done'
      ? 1
      : 0;
  return { ...digest, progress };
}

function fromDigestError(error: unknown): never {
  if (error instanceof DigestActionError) {
    if (error.code === 'not_found') throw new AppError(ERROR_CODES.notFound, 404, error.message);
    if (error.code === 'conflict') throw new AppError(ERROR_CODES.conflict, 409, error.message);
    throw new AppError(ERROR_CODES.validation, 400, error.message);
  }
  throw error;
}

export function digestRoutes(deps: AppDeps): AdminRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/digests',
      tag: 'digests',
      summary: "Plan and send a period's digests in the background",
      description:
        'Idempotent: triggering a period again plans only subscribers who have no delivery for it yet. The answer is the digest of the period as it stands (a period sent before still shows its counts) and `run`, the planning job this trigger started, or joined when one was already waiting or running.',
      body: PeriodBody,
      responses: { 202: { description: 'Accepted; follow it with GET /digests/{id}', schema: TriggeredSchema } },
      handle: async ({ body }) => {
        const triggered = await triggerDigest(deps, (body.period ?? body.date)!).catch(fromDigestError);
        return { status: 202, body: { ...withProgress(triggered), run: triggered.run } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/digests',
      tag: 'digests',
      summary: 'Digests, newest period first (cursor-paged by period)',
      query: z.object(pageQuery),
      responses: { 200: { description: 'One page', schema: paged(DigestSchema) } },
      handle: async ({ query }) => {
        const before = query.cursor ? decodePeriodCursor(query.cursor) : undefined;
        const rows = (await listDigests(deps.db, { limit: query.limit + 1, before })).map(withProgress);
        return { body: pageOf(rows, query.limit, (last) => encodePeriodCursor(last.period)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/digests/preview',
      tag: 'digests',
      summary: "One subscriber's email, rendered with their links, without sending it",
      description:
        'The digest planned for `date` if there is one, else what they would get now. format=html or format=text returns the body alone, to open in a browser.',
      query: z.object({
        subscriber: z
          .string({ error: 'required: a subscriber id' })
          .regex(/^[1-9]\d{0,9}$/, 'must be a subscriber id')
          .transform(Number)
          .meta({ description: 'subscriber id', example: '42' }),
        period: day.optional().meta({ description: 'the period; default: today in their time zone' }),
        date: day.optional().meta({ description: 'alias of period', deprecated: true }),
        format: z.enum(['json', 'html', 'text']).default('json'),
      }),
      responses: {
        200: { description: 'The email', schema: PreviewSchema },
        404: { description: 'No such subscriber, or (html/text) nothing to send' },
      },
      handle: async ({ query, res }) => {
        const preview = await previewDigest(deps, query.subscriber, query.period ?? query.date).catch(fromDigestError);
        if (query.format === 'json') return { body: preview };
        const body = query.format === 'html' ? preview.html : preview.text;
        if (body === null) throw new AppError(ERROR_CODES.notFound, 404, 'Nothing matched: no email would go out');
        if (query.format === 'html') res.setHeader('Content-Security-Policy', PREVIEW_CSP);
        res.type(query.format === 'html' ? 'text/html' : 'text/plain').send(body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/digests/:id',
      tag: 'digests',
      summary: 'One digest: status, counts and progress',
      params: IdParams,
      responses: { 200: { description: 'The digest', schema: DigestSchema } },
      handle: async ({ params }) => {
        const digest = await getDigestStatus(deps.db, params.id);
        if (!digest) throw new AppError(ERROR_CODES.notFound, 404, 'No such digest');
        return { body: withProgress(digest) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/deliveries/:id/resend',
      tag: 'digests',
      summary: 'Send a failed delivery again (same Message-ID)',
      description: 'Only a failed delivery can be resent; a sent one is a 409, never a second email.',
      params: IdParams,
      responses: {
        202: {
          description: 'Queued',
          schema: z.object({
            id: z.number().int(),
            digestId: z.number().int(),
            batch: z.number().int(),
            status: z.literal('pending'),
          }),
        },
        409: { description: 'The delivery is not failed' },
      },
      handle: async ({ params }) => ({
        status: 202,
        body: await resendDelivery(deps, params.id).catch(fromDigestError),
      }),
    }),
  ];
}
