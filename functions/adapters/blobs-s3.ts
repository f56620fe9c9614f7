// The blob port on S3: PutObject with If-None-Match: * (S3 refuses to replace an existing object,
// so a second close cannot overwrite an export) and GetObject. Presigned GETs (large exports) are
// PresigningS3Blobs in blobs-s3-presign.ts, so the mail functions, which never presign, do not
// bundle the presigner.
import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { BlobStore } from '../ports/blobs.ts';

export class S3Blobs implements BlobStore {
  protected readonly client: S3Client;
  protected readonly bucket: string;

  constructor(client: S3Client, bucket: string) {
    this.client = client;
    this.bucket = bucket;
  }

  async putOnce(key: string, body: Uint8Array, contentType: string): Promise<'written' | 'exists'> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          IfNoneMatch: '*',
          ChecksumAlgorithm: 'SHA256',
        }),
      );
      return 'written';
    } catch (error) {
      // 412: the object exists; 409: a concurrent conditional write to the same key won.
      const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
      if (status === 412 || status === 409) return 'exists';
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return result.Body ? await result.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  /** This store makes no URLs: see PresigningS3Blobs. */
  async presignGet(
    _key: string,
    _options: { expiresInSeconds: number; filename: string },
  ): Promise<string | undefined> {
    return undefined;
  }
}
