// Local runtime: months close when the movable clock passes their close time (01:00 on the 1st in
// EXPORT_TIME_ZONE), through the same use case the monthly schedule runs in AWS. Exports are written
// under <DATA_DIR>/exports/. Call after every clock move and once at start-up.
import type { AppContext } from '../functions/app/context.ts';
import { closeDueMonths as closeDue } from '../functions/exports/monthly-export.ts';
import type { BlobStore } from '../functions/ports/blobs.ts';

/** Closes every month due at `now` that is not closed yet; the API then serves from `blobs`. */
export async function closeDueMonths(app: AppContext, now: Date, blobs: BlobStore) {
  return closeDue({ store: app.store, blobs, exportTimeZone: app.settings.exportTimeZone }, now);
}
