// Export routes (one Lambda function): finance pulls the usage export of a closed month, as CSV
// (`Accept: text/csv`) or JSON, byte for byte what the close wrote. Large exports are handed out as
// a short-lived presigned URL (a Lambda answer is capped at 6 MB); locally the bytes are served.

import { NotFoundError } from '../domain/errors.ts';
import { exportBlobsOf } from '../exports/export-blobs.ts';
import { CSV_CONTENT_TYPE, exportAvailability, JSON_CONTENT_TYPE } from '../exports/monthly-export.ts';
import { exportRoutes as routes } from './export-routes.ts';
import type { HttpResult } from './http.ts';
import { problemResponse } from './problems.ts';
import { routeGroup } from './routing.ts';

/** Above this the API answers 303 with a presigned URL instead of the bytes. */
export const PRESIGN_THRESHOLD_BYTES = 5 * 1024 * 1024;
export const PRESIGN_EXPIRES_SECONDS = 300;

/** True when the client accepts text/csv (and did not refuse it with q=0). */
export function wantsCsv(accept = ''): boolean {
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    return type === 'text/csv' && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

export const group = routeGroup('exports', routes, {
  getExport: async ({ path: { month }, headers, requestId, app }): Promise<HttpResult> => {
    const now = app.clock.now();
    const availability = await exportAvailability(
      { store: app.store, exportTimeZone: app.settings.exportTimeZone },
      month,
      now,
    );
    if (availability.state === 'none') throw new NotFoundError(`export of ${month}`);
    if (availability.state === 'open') {
      const closesAt = availability.closesAt.toISOString();
      const response = problemResponse(409, {
        type: 'https://support-desk.dev/problems/month_not_closed',
        title: 'month not closed',
        detail:
          availability.closesAt > now
            ? `${month} is still open; its export is written at ${closesAt}`
            : `${month} is being closed; try again in a minute`,
        instance: requestId,
        closesAt,
      });
      return { status: 409, headers: response.headers as Record<string, string>, rawBody: response.body! };
    }
    const csv = wantsCsv(headers.accept);
    const object = csv ? availability.record.csv : availability.record.json;
    const blobs = exportBlobsOf(app.settings);
    const filename = object.key;
    if (object.bytes > PRESIGN_THRESHOLD_BYTES) {
      const url = await blobs.presignGet(object.key, {
        expiresInSeconds: PRESIGN_EXPIRES_SECONDS,
        filename,
      });
      if (url) {
        const expiresAt = new Date(now.getTime() + PRESIGN_EXPIRES_SECONDS * 1000).toISOString();
        return {
          status: 303,
          headers: { location: url, 'cache-control': 'no-store', vary: 'accept' },
          body: { url, expiresAt, bytes: object.bytes, sha256: object.sha256 },
        };
      }
    }
    const bytes = await blobs.get(object.key);
    if (!bytes) throw new Error(`export object of ${month} is missing`);
    return {
      status: 200,
      rawBody: Buffer.from(bytes).toString('utf8'),
      headers: {
        'content-type': csv ? CSV_CONTENT_TYPE : JSON_CONTENT_TYPE,
        etag: `"${object.sha256}"`,
        // Immutable, but customer billing data: browsers may keep it, shared caches may not.
        'cache-control': 'private, max-age=86400, immutable',
        vary: 'accept',
        ...(csv ? { 'content-disposition': `attachment; filename="${filename}"` } : {}),
      },
    };
  },
});

export const { handler } = group;
