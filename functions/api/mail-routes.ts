// The mail route group's routes: the quarantine agents work from. Mail held for spam or failed
// authentication (SPF, DKIM, DMARC) is listed here and, once an agent releases it, goes through the
// rest of the intake as if it had passed: asynchronously (202), followed at the entry's URL.
import * as z from 'zod/mini';
import { withMeta } from '../domain/zod-mini.ts';
import type { RouteSpec } from './routing.ts';
import { listQuerySchema, problemSchema, ticketIdPath } from './schemas-common.ts';

const verdict = withMeta(z.string(), {
  description: 'SES verdict: PASS, FAIL, GRAY, PROCESSING_FAILED or DISABLED',
});

export const quarantineEntrySchema = withMeta(
  z.object({
    id: z.string(),
    status: withMeta(z.enum(['held', 'releasing', 'released']), {
      description: 'releasing: an agent released it and the intake is working on it',
    }),
    reasons: withMeta(z.array(z.string()), { description: 'Failed checks: spam, spf, dkim, dmarc' }),
    verdicts: z.object({ spam: verdict, virus: verdict, spf: verdict, dkim: verdict, dmarc: verdict }),
    from: z.string(),
    subject: z.string(),
    receivedAt: z.string(),
    releasedAt: z.optional(z.string()),
    outcome: z.optional(z.string()),
    ticketId: z.optional(z.string()),
  }),
  { id: 'QuarantineEntry' },
);

export const quarantinePageSchema = z.object({
  items: z.array(quarantineEntrySchema),
  nextCursor: z.optional(z.string()),
});

export const releasedSchema = withMeta(
  z.object({
    id: z.string(),
    status: z.enum(['releasing', 'released']),
    statusUrl: withMeta(z.string(), { description: 'Where the entry (and, once released, its outcome) is' }),
    outcome: z.optional(
      withMeta(z.string(), { description: 'Once released: ticket, reply, automatic, unknownSender, …' }),
    ),
    ticketId: z.optional(z.string()),
  }),
  { id: 'QuarantineRelease' },
);

const problems = {
  400: { description: 'Invalid input; `errors` names each field', schema: problemSchema },
  401: { description: 'Missing or unknown API key', schema: problemSchema },
  403: { description: 'The key’s role may not use this route', schema: problemSchema },
} as const;

export const mailRoutes = {
  listQuarantine: {
    routeKey: 'GET /v1/quarantine',
    roles: ['agent', 'admin'],
    tags: ['mail'],
    summary: 'Inbound mail held in quarantine (spam or failed SPF/DKIM/DMARC), oldest first',
    query: listQuerySchema,
    responses: { 200: { description: 'A page', schema: quarantinePageSchema }, ...problems },
  },
  getQuarantine: {
    routeKey: 'GET /v1/quarantine/{id}',
    roles: ['agent', 'admin'],
    tags: ['mail'],
    summary: 'One quarantined mail: held, releasing, or released with what it became',
    path: ticketIdPath,
    responses: {
      200: { description: 'The entry', schema: quarantineEntrySchema },
      ...problems,
      404: { description: 'No such quarantined mail', schema: problemSchema },
    },
  },
  releaseQuarantine: {
    routeKey: 'POST /v1/quarantine/{id}/release',
    roles: ['agent', 'admin'],
    tags: ['mail'],
    summary: 'Release a held mail: it becomes a ticket or a reply as if it had passed the checks',
    description:
      'Asynchronous: answers 202 with `status: releasing` and the entry URL, where the outcome appears once the intake has run (up to a minute for the largest mail). Idempotent: releasing a released mail answers 200 with what it became.',
    path: ticketIdPath,
    responses: {
      200: { description: 'Already released', schema: releasedSchema },
      202: { description: 'Handed to the mail intake', schema: releasedSchema },
      ...problems,
      404: { description: 'No such quarantined mail', schema: problemSchema },
    },
  },
} satisfies Record<string, RouteSpec>;
