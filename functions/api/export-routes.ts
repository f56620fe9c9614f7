// The exports route group's routes: `GET /v1/exports/{month}` for finance (DESIGN.md), and the
// shapes of the JSON export, the presigned-download answer and the "not closed yet" problem.
import * as z from 'zod/mini';
import { withMeta } from '../domain/zod-mini.ts';
import type { RouteSpec } from './routing.ts';
import { monthSchema, problemSchema } from './schemas-common.ts';

const lineSchema = withMeta(
  z.object({
    month: z.string(),
    accountId: z.string(),
    planId: z.optional(z.string()),
    lineType: z.enum(['usage', 'adjustment']),
    adjustsMonth: withMeta(z.optional(z.string()), {
      description: 'Adjustments: the closed month they belong to',
    }),
    kind: z.string(),
    reversesKind: z.optional(z.string()),
    poolId: z.optional(z.string()),
    severity: z.optional(z.string()),
    unit: z.enum(['request', 'minute', 'ticket']),
    quantity: z.int(),
    unitPrice: withMeta(z.optional(z.int()), { description: 'Minor units per request or ticket' }),
    hourlyRate: withMeta(z.optional(z.int()), { description: 'Minor units per hour (minute lines)' }),
    amount: withMeta(z.int(), { description: 'Signed, in minor units of currency' }),
    currency: z.string(),
    remainingAllowance: z.optional(z.int()),
    remainingUnit: z.optional(z.enum(['request', 'minute'])),
    entryCount: z.int(),
  }),
  { id: 'InvoiceLine', description: 'One line of the usage export (docs/exports.md)' },
);

export const usageExportSchema = withMeta(
  z.object({
    format: z.literal('support-desk/usage-export@1'),
    month: z.string(),
    exportTimeZone: z.string(),
    amountsIn: z.literal('minor units'),
    accounts: z.array(
      z.object({
        accountId: z.string(),
        planId: z.optional(z.string()),
        totals: z.record(z.string(), z.int()),
        lines: z.array(lineSchema),
      }),
    ),
    totals: withMeta(z.record(z.string(), z.int()), { description: 'Amount per currency, minor units' }),
    accountCount: z.int(),
    lineCount: z.int(),
    entryCount: z.int(),
  }),
  { id: 'UsageExport' },
);

export const exportDownloadSchema = withMeta(
  z.object({ url: z.string(), expiresAt: z.string(), bytes: z.int(), sha256: z.string() }),
  { id: 'ExportDownload', description: 'A short-lived presigned URL of a large export' },
);

const csvFileSchema = withMeta(z.string(), {
  description: 'RFC 4180 CSV with a header line; the columns and their order are in docs/exports.md',
});

export const monthNotClosedSchema = withMeta(
  z.extend(problemSchema, {
    closesAt: withMeta(z.string(), { description: 'When the month closes and its export exists' }),
  }),
  { id: 'MonthNotClosed' },
);

export const exportRoutes = {
  getExport: {
    routeKey: 'GET /v1/exports/{month}',
    roles: ['finance', 'admin'],
    tags: ['exports'],
    summary: 'The usage export of a closed month, every account (CSV or JSON)',
    description:
      '`Accept: text/csv` answers the CSV file (`text/csv; charset=utf-8`, columns in docs/exports.md); anything else the JSON document. Immutable: every pull returns the same bytes (ETag is its sha256). Exports above 5 MB answer 303 with a presigned URL valid for 5 minutes.',
    path: z.object({ month: monthSchema }),
    headers: z.object({ accept: z.optional(z.string()) }),
    responses: {
      200: {
        description:
          'The export: the CSV file with `Accept: text/csv` (a download, columns in docs/exports.md), else the JSON document. ETag is its sha256; privately cacheable, it never changes.',
        content: { 'application/json': usageExportSchema, 'text/csv': csvFileSchema },
        headers: {
          ETag: 'required',
          'Cache-Control': 'required',
          Vary: 'required',
          'Content-Disposition': 'optional',
        },
      },
      303: {
        description: 'Large export: download it from `Location` (also in the body)',
        schema: exportDownloadSchema,
        headers: { Location: 'required', 'Cache-Control': 'required', Vary: 'required' },
      },
      400: { description: 'Malformed month, or one that has not started', schema: problemSchema },
      401: { description: 'Missing or unknown API key', schema: problemSchema },
      403: { description: 'Only finance and admin keys pull exports', schema: problemSchema },
      404: { description: 'The month ended before the desk ran: there is no export', schema: problemSchema },
      409: { description: 'The month is not closed yet; `closesAt` says when', schema: monthNotClosedSchema },
    },
  },
} satisfies Record<string, RouteSpec>;
