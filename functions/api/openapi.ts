// The OpenAPI 3.1 document, generated from the route table and its zod schemas (zod-openapi),
// built once per container and served at GET /v1/openapi.json.
import { createDocument } from 'zod-openapi';
import { allRoutes } from './routes.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

let document: ReturnType<typeof createDocument> | undefined;

export function openApiDocument(): ReturnType<typeof createDocument> {
  if (document) return document;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of allRoutes) {
    const [method, path] = route.routeKey.split(' ') as [string, string];
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? {
              content: Object.fromEntries(
                (
                  response.contentTypes ?? [
                    Number(status) >= 400 ? 'application/problem+json' : 'application/json',
                  ]
                ).map((type) => [type, { schema: response.schema }]),
              ),
            }
          : {}),
      };
    }
    paths[path] ??= {};
    paths[path][method.toLowerCase() as Method] = {
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      operationId: route.routeKey.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, ''),
      ...(route.roles === 'public' ? { security: [] } : { 'x-roles': route.roles }),
      requestParams: {
        ...(route.path ? { path: route.path } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.headers ? { header: route.headers } : {}),
      },
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } }
        : {}),
      responses,
    };
  }
  document = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Support desk API',
      version: '1.0.0',
      description:
        'Tickets under support plans: SLA clocks on business calendars, entitlements and usage. Errors are RFC 9457 problem+json. Customers see only their own account (others answer 404).',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: Authorization: Bearer <key>' },
      },
    },
    // biome-ignore lint/suspicious/noExplicitAny: the paths object is assembled from typed route specs above
    paths: paths as any,
  });
  return document;
}
