// Helpers for driving the public pages like a browser would: keep the CSRF
// cookie, read the form token from the page, post urlencoded forms.
import request from 'supertest';
import type { Express } from 'express';
import type { Db } from '../../../src/db.js';

export const CSRF_INPUT = /name="_csrf" value="([^"]+)"/;

export interface FormSession {
  cookie: string;
  token: string;
}

/** GETs a page and returns its CSRF cookie and form token. */
export async function openForm(app: Express, path = '/', cookie?: string): Promise<FormSession> {
  const req = request(app).get(path);
  if (cookie) req.set('Cookie', cookie);
  const res = await req;
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const fresh = setCookie.find((c) => c.startsWith('pb_csrf='))?.split(';')[0];
  const token = CSRF_INPUT.exec(res.text)?.[1];
  if (!token) throw new Error(`no CSRF token on ${path}`);
  return { cookie: fresh ?? cookie ?? '', token: token.replace(/&#x3D;|&#61;/g, '=') };
}

export function postForm(
  app: Express,
  path: string,
  session: FormSession | undefined,
  fields: Record<string, string | string[]>,
) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  }
  if (session) body.append('_csrf', session.token);
  const req = request(app).post(path).type('form').set('Accept', 'text/html');
  if (session?.cookie) req.set('Cookie', session.cookie);
  return req.send(body.toString());
}

export async function createLists(db: Db) {
  await db.list.createMany({
    data: [
      { slug: 'trending', name: 'Trending', description: 'The most upvoted papers of the day, whatever the topic.' },
      {
        slug: 'llm',
        name: 'Language models',
        description: 'LLMs, reasoning and alignment.',
        keywords: ['language model'],
      },
      { slug: 'vision', name: 'Computer vision', description: 'Images, video and 3D.', keywords: ['image'] },
      { slug: 'staff', name: 'Staff picks (internal)', description: 'Private list.', public: false },
    ],
  });
}

export const VALID_SIGNUP = {
  email: 'reader@example.org',
  lists: ['trending', 'llm'],
  frequency: 'daily',
  weekday: '1',
  sendHour: '8',
  timezone: 'Europe/Paris',
};
