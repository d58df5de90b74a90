// The public archive and its feeds (src/digest/archive.ts plans the
// editions). Everything here is public and the same for everyone, so it is
// cacheable: a strong ETag over the body (304 on If-None-Match) and a short
// public max-age, short because upvotes and hidden papers change editions.
import { createHash } from 'node:crypto';
import type { IRouter, Request, Response } from 'express';
import type { Config } from '../../config.js';
import type { Db } from '../../db.js';
import { createArchive, type Archive, type Edition } from '../../digest/archive.js';
import { findArchiveList, findArchiveLists, type ArchiveList } from '../../digest/archive-repo.js';
import { isPeriod } from '../../digest/period.js';
import { buildDigestView, type DigestView } from '../../digest/view-model.js';
import { AppError, ERROR_CODES } from '../errors.js';
import { renderAtomFeed, renderJsonFeed, type FeedEntry } from './archive-feeds.js';
import {
  archivePaths,
  editionIntro,
  renderArchiveIndex,
  renderArchiveListPage,
  renderEditionCards,
  renderEditionPage,
} from './archive-pages.js';
import { html } from './html.js';

export interface ArchiveDeps {
  db: Db;
  config: Pick<Config, 'publicUrl'>;
}

export const ARCHIVE_MAX_AGE_SECONDS = 300;
export const EDITIONS_PER_PAGE = 30;
export const FEED_ENTRIES = 20;

function sendCacheable(req: Request, res: Response, type: string, body: string): void {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  res.set({ ETag: etag, 'Cache-Control': `public, max-age=${ARCHIVE_MAX_AGE_SECONDS}` });
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  res.type(type).send(body);
}

const notFound = (what: string) => new AppError(ERROR_CODES.notFound, 404, `${what} not found`);

async function publicList(deps: ArchiveDeps, slug: string | undefined): Promise<ArchiveList> {
  const list = slug ? await findArchiveList(deps.db, slug) : null;
  if (!list) throw notFound('List');
  return list;
}

function editionView(deps: ArchiveDeps, edition: Edition): DigestView {
  return buildDigestView({
    period: edition.period,
    sections: edition.sections,
    papers: edition.papers,
    first: false,
    publicUrl: deps.config.publicUrl,
  });
}

/** A cursor from the query: a real date, or absent; anything else is the caller's 400. */
function cursor(req: Request, name: 'before' | 'after'): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isPeriod(value))
    throw new AppError(ERROR_CODES.validation, 400, `${name}: a date as YYYY-MM-DD`);
  return value;
}

async function feedEntries(deps: ArchiveDeps, archive: Archive, list: ArchiveList): Promise<FeedEntry[]> {
  const { editions } = await archive.editions(list, { limit: FEED_ENTRIES });
  return editions.map((edition) => ({
    period: edition.period,
    published: edition.published,
    contentHtml: html`<p>${editionIntro(edition)}</p>${renderEditionCards(editionView(deps, edition))}`.value,
  }));
}

export function archiveRoutes(router: IRouter, deps: ArchiveDeps): void {
  const archiveNow = () => createArchive({ db: deps.db, now: new Date() });

  router.get('/archive', async (req, res) => {
    const archive = archiveNow();
    const lists = await findArchiveLists(deps.db);
    const entries: Array<{ list: ArchiveList; latest: Edition | null }> = [];
    for (const list of lists) entries.push({ list, latest: await archive.latest(list) });
    sendCacheable(req, res, 'html', renderArchiveIndex(entries));
  });

  router.get('/archive/:list', async (req, res) => {
    const before = cursor(req, 'before');
    const after = cursor(req, 'after');
    if (before && after) throw new AppError(ERROR_CODES.validation, 400, 'before, after: give one of them, not both');
    const list = await publicList(deps, req.params.list);
    const page = await archiveNow().editions(list, { before, after, limit: EDITIONS_PER_PAGE });
    sendCacheable(req, res, 'html', renderArchiveListPage(list, page));
  });

  // The landing page links here rather than working out every list's latest edition on each view.
  router.get('/archive/:list/latest', async (req, res) => {
    const list = await publicList(deps, req.params.list);
    const latest = await archiveNow().latest(list);
    const paths = archivePaths(list);
    res.set('Cache-Control', `public, max-age=${ARCHIVE_MAX_AGE_SECONDS}`);
    res.redirect(302, latest ? paths.edition(latest.period) : paths.list);
  });

  router.get('/archive/:list/:period', async (req, res) => {
    const list = await publicList(deps, req.params.list);
    const edition = await archiveNow().edition(list, req.params.period ?? '');
    if (!edition) throw notFound('Edition');
    sendCacheable(req, res, 'html', renderEditionPage(edition, editionView(deps, edition)));
  });

  router.get('/lists/:slug/feed.atom', async (req, res) => {
    const list = await publicList(deps, req.params.slug);
    const entries = await feedEntries(deps, archiveNow(), list);
    sendCacheable(
      req,
      res,
      'application/atom+xml',
      renderAtomFeed({ list, entries, publicUrl: deps.config.publicUrl }),
    );
  });

  router.get('/lists/:slug/feed.json', async (req, res) => {
    const list = await publicList(deps, req.params.slug);
    const entries = await feedEntries(deps, archiveNow(), list);
    sendCacheable(
      req,
      res,
      'application/feed+json',
      renderJsonFeed({ list, entries, publicUrl: deps.config.publicUrl }),
    );
  });
}
