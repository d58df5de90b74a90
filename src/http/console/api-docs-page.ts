// /admin/api-docs: the admin API's OpenAPI document rendered by Swagger UI,
// served from node_modules (swagger-ui-dist), never from a CDN. The document
// is read through the console session, so no token needs pasting to read it.
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { openApiDocument } from '../admin/index.js';
import type { AppDeps } from '../app.js';
import { html } from '../pages/html.js';
import { assetUrl } from '../pages/static-assets.js';
import { renderConsolePage } from './layout.js';
import type { ConsoleRoute } from './route.js';

export const API_DOCS_ASSETS = '/api-docs/assets';
const SWAGGER_FILES = new Set(['/swagger-ui.css', '/swagger-ui-bundle.js']);

/** Only the two files the page loads; the rest of the package is not served. */
export function apiDocsAssets(): RequestHandler {
  const dir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const serve = express.static(dir, { index: false, maxAge: '1d' });
  return (req, res, next) => {
    if (SWAGGER_FILES.has(req.path)) serve(req, res, next);
    else next();
  };
}

export function apiDocsPage(deps: AppDeps): ConsoleRoute[] {
  return [
    {
      method: 'get',
      path: '/api-docs',
      area: 'meta',
      handle: ({ res, session }) => {
        const body = html`<h1>API docs</h1>
<p>The admin JSON API under <code>/api/admin</code>. Send <code>Authorization: Bearer &lt;token&gt;</code>; the raw document is at <a href="/admin/api-docs/openapi.json">openapi.json</a> (also <code>GET /api/admin/openapi.json</code> with a token).</p>
<div id="swagger-ui" data-spec-url="/admin/api-docs/openapi.json"><p class="muted">The interactive viewer needs JavaScript; the <a href="/admin/api-docs/openapi.json">document</a> itself does not.</p></div>`;
        res.type('html').send(
          renderConsolePage(
            session,
            {
              title: 'API docs',
              section: 'api-docs',
              styles: [`/admin${API_DOCS_ASSETS}/swagger-ui.css`, assetUrl('console/api-docs.css')],
              scripts: [`/admin${API_DOCS_ASSETS}/swagger-ui-bundle.js`, 'api-docs.js'],
            },
            body,
          ),
        );
      },
    },
    {
      method: 'get',
      path: '/api-docs/openapi.json',
      area: 'meta',
      handle: ({ res }) => res.json(openApiDocument(deps)),
    },
  ];
}
