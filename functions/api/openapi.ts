// The OpenAPI 3.1 document, generated from the route table and its zod schemas (zod-openapi),
// built once per container and served at GET /v1/openapi.json. Besides what each route declares,
// it states what every route can answer whatever it does (a malformed request, a missing or
// unfitting key, an unavailable desk), so a route added to the table is described whole.
import { createDocument } from 'zod-openapi';
import { allRoutes } from './routes.ts';
import type { RouteSpec } from './routing.ts';
import { problemSchema, RESPONSE_HEADERS, type ResponseSpec } from './schemas-common.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Each tag of the route table, described; the document lists the tags routes use, in this order. */
export const TAG_DESCRIPTIONS: Record<string, string> = {
  tickets:
    'Tickets under the account’s plan: open, list, read, triage and update, messages and logged time. Customers see their own account only.',
  queue: 'The agents’ work queue: open tickets of every account, the most urgent SLA first.',
  accounts: 'Accounts, their contracts and registered contacts.',
  usage: 'Pool balances, ledger entries and totals of an account for a month.',
  catalogs: 'Catalogs of plans and business calendars, validated whole.',
  'api-keys': 'Issuing and revoking API keys (the secret is shown once).',
  exports: 'The usage export of a closed month, for finance (CSV or JSON, immutable).',
  mail: 'Inbound mail held in quarantine, and its release into the intake.',
  system: 'Health and this document; no key needed.',
};

/** What every route may answer, unless it declares the status itself. */
const COMMON_ANSWERS: Record<number, ResponseSpec> = {
  400: {
    description:
      'Malformed request: a query parameter given twice, a malformed percent-escape in the path, or an invalid field (`errors` names each)',
    schema: problemSchema,
  },
  503: {
    description:
      'The desk cannot answer now (its table is unavailable or slow, or it is starting); nothing was changed. Retry after `Retry-After` seconds.',
    schema: problemSchema,
    headers: { 'Retry-After': 'required' },
  },
};

/** What every keyed route may answer: API Gateway's authorizer and the role check run first. */
const KEYED_ANSWERS: Record<number, ResponseSpec> = {
  401: { description: 'Missing or unknown API key', schema: problemSchema },
  403: { description: 'The key’s role may not use this route', schema: problemSchema },
};

/**
 * A route's answers as the document gives them: its own, then the common ones it does not declare.
 * Every problem is `no-store`; so is every answer of a keyed route (routeGroup says so), though API
 * Gateway's own refusals may not be.
 */
export function answersOf(route: RouteSpec): Record<number, ResponseSpec> {
  const keyed = route.roles !== 'public';
  const answers: Record<number, ResponseSpec> = {
    ...COMMON_ANSWERS,
    ...(keyed ? KEYED_ANSWERS : {}),
    ...route.responses,
  };
  return Object.fromEntries(
    Object.entries(answers).map(([status, answer]) => {
      const problem = Number(status) >= 400;
      if (!problem && !keyed) return [status, answer];
      const cacheControl = problem ? 'optional' : 'required';
      return [status, { ...answer, headers: { 'Cache-Control': cacheControl, ...answer.headers } }];
    }),
  );
}

function responseObject(status: number, answer: ResponseSpec) {
  const content =
    answer.content ??
    (answer.schema
      ? { [status >= 400 ? 'application/problem+json' : 'application/json']: answer.schema }
      : undefined);
  return {
    description: answer.description,
    ...(answer.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(answer.headers).map(([name, presence]) => [
              name,
              {
                ...RESPONSE_HEADERS[name as keyof typeof RESPONSE_HEADERS],
                required: presence === 'required',
              },
            ]),
          ),
        }
      : {}),
    ...(content
      ? { content: Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema }])) }
      : {}),
  };
}

let document: ReturnType<typeof createDocument> | undefined;

export function openApiDocument(): ReturnType<typeof createDocument> {
  if (document) return document;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of allRoutes) {
    const [method, path] = route.routeKey.split(' ') as [string, string];
    const responses = Object.fromEntries(
      Object.entries(answersOf(route)).map(([status, answer]) => [
        status,
        responseObject(Number(status), answer),
      ]),
    );
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
  const used = new Set(allRoutes.flatMap((route) => route.tags));
  const tags = [
    ...Object.keys(TAG_DESCRIPTIONS).filter((name) => used.has(name)),
    ...[...used].filter((name) => !(name in TAG_DESCRIPTIONS)),
  ].map((name) => ({ name, ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}) }));
  document = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Support desk API',
      version: '1.0.0',
      description:
        'Tickets under support plans: SLA clocks on business calendars, entitlements and usage. Errors are RFC 9457 problem+json. Customers see only their own account (others answer 404).',
      contact: { name: 'Support desk', url: 'https://support-desk.dev' },
      license: { name: 'Proprietary: all rights reserved', url: 'https://support-desk.dev/license' },
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    tags,
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
