// The OpenAPI 3.1 document of the admin API, generated from the route table:
// the zod schemas that validate each request are the ones documented. 3.1,
// because its schemas are JSON Schema: a nullable field is `type: [x,
// "null"]`, which third-party linters accept, where 3.0's `nullable` next to
// a bare `$ref` is an error.
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { AdminRoute } from './route.js';
import { ErrorSchema } from './schemas.js';

export const ADMIN_BASE_PATH = '/api/admin';

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
        ? { description: doc.description, content: { [doc.contentType]: { schema: { type: 'string' }, ...(doc.example ? { example: doc.example } : {}) } } }
        : { description: doc.description };
  }
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- AdminRoute erases its schemas' types (route.ts)
  const hasInput = route.params || route.query || route.body || route.rawBody;
  if (hasInput) responses['400'] ??= errorResponse('Invalid request: details name each field');
  responses['401'] ??= errorResponse('Missing or wrong bearer token');
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
    return { required: true, description: route.rawBody.description, content: { [route.rawBody.contentType]: { schema, ...example } } };
  }
  return undefined;
}

export function buildOpenApiDocument(routes: AdminRoute[], info: { version: string; serverUrl?: string }) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'ADMIN_TOKEN, or a token from `paperboy token create --name NAME`',
  });
  for (const route of routes) {
    registry.registerPath({
      method: route.method,
      path: openApiPath(route.path),
      operationId: operationId(route),
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
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
      description:
        'Manage lists, subscribers, papers and digests. Every request carries `Authorization: Bearer <token>`. Errors are `{ "error": { "code", "message", "details"? } }`.',
    },
    servers: info.serverUrl ? [{ url: info.serverUrl, description: 'This installation (PUBLIC_URL)' }] : [],
    security: [{ [bearer.name]: [] }],
  });
}
