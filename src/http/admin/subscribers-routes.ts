// /api/admin/subscribers: search, read, change, delete, and the privacy
// endpoints (data export, erasure). CSV import/export live in subscriber-csv-routes.ts.
import { z } from 'zod';
import { UnknownListsError, findSubscriberDetail, updateSubscriber } from '../../admin/subscriber-admin.js';
import { eraseSubscriberEverywhere, exportSubscriberData } from '../../admin/subscriber-privacy.js';
import { findSubscriberSummary, searchSubscribers } from '../../admin/subscriber-search.js';
import { saveSubscriber } from '../../subscriptions/save-subscriber.js';
import type { AppDeps } from '../app.js';
import { AppError, ERROR_CODES } from '../errors.js';
import { defineRoute, type AdminRoute } from './route.js';
import { IdParams, decodeCursor, pageOf } from './schemas.js';
import {
  SubscriberCreateSchema,
  SubscriberDetailSchema,
  SubscriberListQuery,
  SubscriberPageSchema,
  SubscriberPatchSchema,
  SubscriberSchema,
} from './subscriber-schemas.js';

const SavedSubscriberSchema = SubscriberSchema.extend({
  created: z.boolean(),
  confirmationRequested: z.boolean().meta({ description: 'a confirmation email was queued' }),
}).meta({ id: 'SavedSubscriber' });

const notFound = () => new AppError(ERROR_CODES.notFound, 404, 'No such subscriber');

export function unknownLists(error: unknown): never {
  if (error instanceof UnknownListsError) {
    throw new AppError(ERROR_CODES.validation, 400, `lists: ${error.message}`, [
      { path: 'lists', message: error.message },
    ]);
  }
  throw error;
}

export function subscriberRoutes(deps: AppDeps): AdminRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/subscribers',
      tag: 'subscribers',
      summary: 'Search subscribers (cursor-paged by id, stable while rows are added)',
      query: SubscriberListQuery,
      responses: { 200: { description: 'One page', schema: SubscriberPageSchema } },
      handle: async ({ query }) => {
        const { cursor, limit, ...filter } = query;
        const rows = await searchSubscribers(deps.db, filter, {
          afterId: cursor ? decodeCursor(cursor) : undefined,
          limit,
        });
        return { body: pageOf(rows, limit) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/subscribers',
      tag: 'subscribers',
      summary: 'Add a subscriber (pending sends a confirmation email)',
      description:
        'Goes through the same rules as the sign-up form. An address that exists is updated, not duplicated (200): an admin may activate a pending subscriber, but someone who unsubscribed, bounced or complained only gets a new confirmation email.',
      body: SubscriberCreateSchema,
      responses: {
        201: { description: 'Created', schema: SavedSubscriberSchema },
        200: { description: 'The address existed; updated as described', schema: SavedSubscriberSchema },
      },
      handle: async ({ body, req }) => {
        const { email, lists, status, ...preferences } = body;
        const result = await saveSubscriber(deps, {
          email,
          lists,
          status,
          preferences,
          evidence: {
            action: 'admin',
            ip: req.ip,
            userAgent: req.get('user-agent'),
            formVersion: `admin-api:${status}`,
          },
        }).catch(unknownLists);
        const subscriber = await findSubscriberSummary(deps.db, result.subscriberId);
        return {
          status: result.created ? 201 : 200,
          body: { ...subscriber, created: result.created, confirmationRequested: result.confirmationRequested },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/subscribers/:id',
      tag: 'subscribers',
      summary: 'One subscriber with subscriptions and recent deliveries',
      params: IdParams,
      responses: { 200: { description: 'The subscriber', schema: SubscriberDetailSchema } },
      handle: async ({ params }) => {
        const detail = await findSubscriberDetail(deps.db, params.id);
        if (!detail) throw notFound();
        return { body: detail };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/subscribers/:id',
      tag: 'subscribers',
      summary: 'Change status, lists or preferences',
      description:
        'Setting status active vouches for consent: the subscriber and its subscriptions count as confirmed.',
      params: IdParams,
      body: SubscriberPatchSchema,
      responses: { 200: { description: 'The changed subscriber', schema: SubscriberSchema } },
      handle: async ({ params, body, req }) => {
        const actor = { ip: req.ip, userAgent: req.get('user-agent') };
        const updated = await updateSubscriber(deps.db, params.id, body, actor).catch(unknownLists);
        if (!updated) throw notFound();
        return { body: updated };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/subscribers/:id',
      tag: 'subscribers',
      summary: 'Delete a subscriber (same as erase: nothing of the address is kept)',
      params: IdParams,
      responses: { 204: { description: 'Deleted' } },
      handle: async ({ params }) => {
        if (!(await eraseSubscriberEverywhere(deps, params.id))) throw notFound();
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/subscribers/:id/data',
      tag: 'privacy',
      summary: 'Everything held about one subscriber, as JSON (right of access)',
      params: IdParams,
      responses: { 200: { description: 'The subscriber data', schema: z.record(z.string(), z.unknown()) } },
      handle: async ({ params, res }) => {
        const data = await exportSubscriberData(deps.db, params.id);
        if (!data) throw notFound();
        res.setHeader('Content-Disposition', `attachment; filename="subscriber-${params.id}.json"`);
        res.setHeader('Cache-Control', 'no-store');
        return { body: data };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/subscribers/:id/erase',
      tag: 'privacy',
      summary: 'Erase a subscriber (right to erasure)',
      description:
        "Deletes the address, preferences, subscriptions, consent records and ratings, and the subscriber's mail jobs in Redis. Deliveries stay for the figures, no longer linked to anyone, with the address struck from SMTP replies.",
      params: IdParams,
      responses: {
        200: {
          description: 'What was done',
          schema: z.object({
            erased: z.literal(true),
            subscriberId: z.number().int(),
            deliveriesAnonymised: z.number().int(),
            jobsRemoved: z
              .number()
              .int()
              .nullable()
              .meta({ description: 'mail jobs removed from Redis; null if Redis could not be reached' }),
          }),
        },
      },
      handle: async ({ params }) => {
        const receipt = await eraseSubscriberEverywhere(deps, params.id);
        if (!receipt) throw notFound();
        return { body: { erased: true, ...receipt } };
      },
    }),
  ];
}
