// The OpenAPI 3.1 document of the admin API, generated from the route table:
// the zod schemas that validate each request are the ones documented. 3.1,
// because its schemas are JSON Schema: a nullable field is `type: [x,
// "null"]`, which third-party linters accept, where 3.0's `nullable` next to
// a bare `$ref` is an error.
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { scopeOf, type AdminRoute } from './route.js';
import { ErrorSchema } from './schemas.js';

export const ADMIN_BASE_PATH = '/api/admin';

/** The parts of the API no single route says: authentication and the CSV formats. */
const API_DESCRIPTION = `Manage lists, subscribers, papers and digests. Errors are \`{ "error": { "code", "message", "details"? } }\`.

## Authentication
- **Bearer token** (\`bearerAuth\`), on every \`/api/admin\` request: \`Authorization: Bearer <token>\`. The token is the server's \`ADMIN_TOKEN\` or one made with \`paperboy token create --name NAME\` (or the console's Tokens page); only its sha256 is stored. Missing or wrong: 401.
- **Console session**: the browser console at \`/admin\` signs in with a token and then uses a session cookie (HttpOnly, SameSite=Strict) plus a per-session CSRF token on every form. The cookie does not open \`/api/admin\`.
- **Queue dashboard** (\`/admin/queues\`): the console session, a bearer token, or HTTP Basic with the token as the password.

## CSV import (POST /api/admin/subscribers/import)
Body \`text/csv\`, UTF-8, a header row, columns in any order (case, spaces and _ in names ignored; unknown columns ignored):

| column | required | value |
| --- | --- | --- |
| email | yes | an address |
| lists | yes | list slugs separated by \`|\` |
| timezone | no | IANA zone, e.g. Europe/Paris (default UTC) |
| sendHour | no | 0-23, local hour (default 7) |
| frequency | no | daily or weekly (default daily) |
| weekday | no | 0 (Sunday) - 6, for weekly |

Example:

    email,lists,timezone,sendHour,frequency
    ada@example.org,trending|llm,Europe/London,7,daily

Each bad row is reported as \`{ "row", "message" }\` (the header is row 1) and skipped; the good rows are stored.

## CSV export (GET /api/admin/subscribers/export)
Columns id,email,status,lists,timezone,sendHour,frequency,weekday,createdAt,confirmedAt,unsubscribedAt,bounceCount; lists separated by \`|\`; a cell starting with = + - @ is prefixed with ' so spreadsheets do not run it.`;

/** "/lists/:list" → "/api/admin/lists/{list}" */
export function openApiPath(expressPath: string): string {
  return `${ADMIN_BASE_PATH}${expressPath.replace(/:([A-Za-z_]\w*)/g, '{$1}')}`;
}

const errorResponse = (description: string): ResponseConfig => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

/** "get /lists/:list" → "getListsByList": stable names for generated clients. */
export function operationId(route: Pick<AdminRoute, 'method' | 'path'>): string {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `By${part.slice(1)}` : part))
    .map((part) => part.replace(/(^|[-_])(\w)/g, (_, _sep: string, c: string) => c.toUpperCase()));
  return `${route.method}${words.join('')}`;
}

function responsesOf(route: AdminRoute): Record<string, ResponseConfig> {
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, doc] of Object.entries(route.responses)) {
    const isError = Number(status) >= 400;
    const schema = doc.schema ?? (isError ? ErrorSchema : undefined);
    responses[status] = schema
      ? { description: doc.description, content: { [doc.contentType ?? 'application/json']: { schema } } }
      : doc.contentType
        ? {
            description: doc.description,
            content: {
              [doc.contentType]: { schema: { type: 'string' }, ...(doc.example ? { example: doc.example } : {}) },
            },
          }
        : { description: doc.description };
  }
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- AdminRoute erases its schemas' types (route.ts)
  const hasInput = route.params || route.query || route.body || route.rawBody;
  if (hasInput) responses['400'] ??= errorResponse('Invalid request: details name each field');
  responses['401'] ??= errorResponse('Missing or wrong bearer token');
  responses['403'] ??= errorResponse(`The token lacks the "${scopeOf(route)}" scope`);
  responses['429'] ??= errorResponse('Too many wrong tokens from this IP; see Retry-After');
  if (route.params) responses['404'] ??= errorResponse('Not found');
  if (route.body || route.rawBody) responses['413'] ??= errorResponse('Request body too large');
  return responses;
}

function requestBodyOf(route: AdminRoute) {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- AdminRoute erases its schemas' types (route.ts)
  if (route.body) return { required: true, content: { 'application/json': { schema: route.body } } };
  if (route.rawBody) {
    const schema = route.rawBody.schema ?? { type: 'string' as const };
    const example = route.rawBody.example ? { example: route.rawBody.example } : {};
    return {
      required: true,
      description: route.rawBody.description,
      content: { [route.rawBody.contentType]: { schema, ...example } },
    };
  }
  return undefined;
}

export function buildOpenApiDocument(routes: AdminRoute[], info: { version: string; serverUrl?: string }) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description:
      'ADMIN_TOKEN (scope admin), or a token from `paperboy token create --name NAME --scopes read,lists` or POST /api/admin/tokens or the console',
  });
  for (const route of routes) {
    registry.registerPath({
      method: route.method,
      path: openApiPath(route.path),
      operationId: operationId(route),
      tags: [route.tag],
      summary: route.summary,
      // Bearer schemes carry no OpenAPI scopes: say it in words and in an extension.
      description: [`Needs the \`${scopeOf(route)}\` scope (or \`admin\`).`, route.description]
        .filter(Boolean)
        .join('\n\n'),
      'x-scope': scopeOf(route),
      request: {
        // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- AdminRoute erases its schemas' types (route.ts)
        ...(route.params ? { params: route.params } : {}),
        // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- AdminRoute erases its schemas' types (route.ts)
        ...(route.query ? { query: route.query } : {}),
        ...(requestBodyOf(route) ? { body: requestBodyOf(route) } : {}),
      },
      responses: responsesOf(route),
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Paperboy admin API',
      version: info.version,
      license: { name: 'MIT', identifier: 'MIT' },
      description: API_DESCRIPTION,
    },
    servers: info.serverUrl ? [{ url: info.serverUrl, description: 'This installation (PUBLIC_URL)' }] : [],
    security: [{ [bearer.name]: [] }],
  });
}
