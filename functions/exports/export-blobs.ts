// Where exports are kept: the exports bucket in AWS (EXPORTS_BUCKET), files under
// <DATA_DIR>/exports/ on one machine. The local runtime and tests may swap in their own store.
import { join } from 'node:path';
import { LocalBlobs } from '../adapters/blobs-local.ts';
import { s3BlobsFromEnvironment } from '../adapters/blobs-s3-presign.ts';
import type { BlobStore } from '../ports/blobs.ts';

let chosen: BlobStore | undefined;

export function exportBlobs(): BlobStore {
  if (chosen) return chosen;
  const bucket = process.env.EXPORTS_BUCKET;
  chosen = bucket
    ? s3BlobsFromEnvironment(bucket)
    : new LocalBlobs(join(process.env.DATA_DIR || '.data', 'exports'));
  return chosen;
}

/** Local runtime and tests: every export handler in this process uses `blobs`. */
export function useExportBlobs(blobs: BlobStore): void {
  chosen = blobs;
}
