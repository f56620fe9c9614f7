// The blob port on local files (the one-machine runtime): objects are files under a directory
// (<DATA_DIR>/exports/). A write goes to a temporary file first and is then hard-linked into place,
// which fails if the name exists: an object appears whole, once, and is never replaced.
import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { BlobStore } from '../ports/blobs.ts';

export class LocalBlobs implements BlobStore {
  private readonly root: string;

  constructor(directory: string) {
    this.root = resolve(directory);
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new RangeError(`blob key ${key} leaves the store`);
    return path;
  }

  async putOnce(key: string, body: Uint8Array, _contentType: string): Promise<'written' | 'exists'> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `.${randomUUID()}.tmp`);
    await writeFile(temporary, body);
    try {
      await link(temporary, path);
      return 'written';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
      throw error;
    } finally {
      await unlink(temporary);
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async presignGet(): Promise<undefined> {
    return undefined;
  }
}
