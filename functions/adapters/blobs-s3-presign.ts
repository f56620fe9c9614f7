// The S3 blob store of the exports: it also signs short-lived GET URLs, so the API can answer a
// large export with a redirect instead of the bytes (a Lambda answer is capped at 6 MB).
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { tracing } from '#tracing';
import { S3Blobs } from './blobs-s3.ts';

export class PresigningS3Blobs extends S3Blobs {
  override presignGet(key: string, options: { expiresInSeconds: number; filename: string }): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${options.filename}"`,
      }),
      { expiresIn: options.expiresInSeconds },
    );
  }
}

let fromEnvironment: PresigningS3Blobs | undefined;

/** The exports bucket (EXPORTS_BUCKET), with one client per container. */
export function s3BlobsFromEnvironment(bucket: string): PresigningS3Blobs {
  fromEnvironment ??= new PresigningS3Blobs(tracing.captureClient(new S3Client({})), bucket);
  return fromEnvironment;
}
