// The blob port: immutable objects (month exports). An object is written once and never replaced,
// so "pull it again" always gives the same bytes. The S3 adapter writes with If-None-Match into a
// versioned bucket; the local adapter writes files under <DATA_DIR>/exports/.

export interface BlobStore {
  /** Writes `body` at `key` unless an object is there already ('exists': nothing was written). */
  putOnce(key: string, body: Uint8Array, contentType: string): Promise<'written' | 'exists'>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * A short-lived URL that downloads the object as `filename`, or undefined where the store cannot
   * make one (local files: the API serves the bytes itself).
   */
  presignGet(
    key: string,
    options: { expiresInSeconds: number; filename: string },
  ): Promise<string | undefined>;
}
