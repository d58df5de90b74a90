// What GET / shows besides the form: the public lists and today's trending
// papers, read by the papers module in one prepared statement (the page's
// hottest query; see findTrendingPapersAndPublicLists).
import type { Db } from '../../db.js';
import { findTrendingPapersAndPublicLists } from '../../papers/paper-repo.js';
import type { LandingData } from './landing-page.js';

export const LANDING_PAPERS = 6;

export function findLandingData(db: Db, limit = LANDING_PAPERS): Promise<Pick<LandingData, 'lists' | 'papers'>> {
  return findTrendingPapersAndPublicLists(db, limit);
}
