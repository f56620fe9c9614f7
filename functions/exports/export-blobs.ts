// Where exports are kept: the exports bucket in AWS (settings.exportsBucket), files under
// <dataDir>/exports/ on one machine. One store per settings object, so one per container.
import { join } from 'node:path';
import { LocalBlobs } from '../adapters/blobs-local.ts';
import { s3BlobsFromEnvironment } from '../adapters/blobs-s3-presign.ts';
import type { BlobStore } from '../ports/blobs.ts';
import type { DeskSettings } from '../settings.ts';

const stores = new WeakMap<DeskSettings, BlobStore>();

export function exportBlobsOf(settings: DeskSettings): BlobStore {
  let blobs = stores.get(settings);
  if (!blobs) {
    blobs = settings.exportsBucket
      ? s3BlobsFromEnvironment(settings.exportsBucket)
      : new LocalBlobs(join(settings.dataDir, 'exports'));
    stores.set(settings, blobs);
  }
  return blobs;
}
