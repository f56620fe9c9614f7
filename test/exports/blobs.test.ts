// The blob adapters: S3 request shapes (If-None-Match on every put, 412 means "exists", presigned
// GETs) with aws-sdk-client-mock, and local files written once, whole, inside their directory.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, test } from 'vitest';
import { LocalBlobs } from '../../functions/adapters/blobs-local.ts';
import { S3Blobs } from '../../functions/adapters/blobs-s3.ts';
import { PresigningS3Blobs } from '../../functions/adapters/blobs-s3-presign.ts';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const blobs = new PresigningS3Blobs(client, 'exports-bucket');

beforeEach(() => s3.reset());

describe('S3 blobs', () => {
  test('putOnce writes with If-None-Match: * and a SHA-256 checksum', async () => {
    s3.on(PutObjectCommand).resolves({});
    expect(await blobs.putOnce('usage-2026-11.csv', Buffer.from('a,b\r\n'), 'text/csv; charset=utf-8')).toBe(
      'written',
    );
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'exports-bucket',
      Key: 'usage-2026-11.csv',
      ContentType: 'text/csv; charset=utf-8',
      IfNoneMatch: '*',
      ChecksumAlgorithm: 'SHA256',
    });
  });

  test('an existing object (412) or a racing conditional write (409) is "exists"; other errors throw', async () => {
    const failure = (status: number, name: string) =>
      new S3ServiceException({
        name,
        $fault: 'client',
        $metadata: { httpStatusCode: status },
        message: name,
      });
    s3.on(PutObjectCommand)
      .rejectsOnce(failure(412, 'PreconditionFailed'))
      .rejectsOnce(failure(409, 'ConditionalRequestConflict'))
      .rejectsOnce(failure(403, 'AccessDenied'));
    expect(await blobs.putOnce('k', Buffer.from('x'), 'text/csv')).toBe('exists');
    expect(await blobs.putOnce('k', Buffer.from('x'), 'text/csv')).toBe('exists');
    await expect(blobs.putOnce('k', Buffer.from('x'), 'text/csv')).rejects.toThrow('AccessDenied');
  });

  test('get of a missing key is undefined', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ $metadata: {}, message: 'no such key' }));
    expect(await blobs.get('missing')).toBeUndefined();
  });

  test('presignGet signs a GET that downloads under the given name', async () => {
    const url = new URL(
      await blobs.presignGet('usage-2026-11.csv', { expiresInSeconds: 300, filename: 'usage-2026-11.csv' }),
    );
    expect(url.hostname).toContain('exports-bucket');
    expect(url.pathname).toBe('/usage-2026-11.csv');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      'attachment; filename="usage-2026-11.csv"',
    );
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the plain S3 store (mail: raw messages, attachments) makes no URLs', async () => {
    const plain = new S3Blobs(client, 'mail-bucket');
    expect(await plain.presignGet('raw/1', { expiresInSeconds: 300, filename: 'x.eml' })).toBeUndefined();
  });
});

describe('local blobs', () => {
  test('an object is written once; a second write leaves the first bytes and no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'desk-blobs-'));
    const local = new LocalBlobs(dir);
    expect(await local.putOnce('usage-2026-11.csv', Buffer.from('first'), 'text/csv')).toBe('written');
    expect(await local.putOnce('usage-2026-11.csv', Buffer.from('second'), 'text/csv')).toBe('exists');
    expect(Buffer.from((await local.get('usage-2026-11.csv'))!).toString()).toBe('first');
    expect(readdirSync(dir)).toEqual(['usage-2026-11.csv']);
    expect(await local.get('nothing-here.csv')).toBeUndefined();
    expect(await local.presignGet()).toBeUndefined();
  });

  test('keys cannot leave the directory', async () => {
    const local = new LocalBlobs(mkdtempSync(join(tmpdir(), 'desk-blobs-')));
    await expect(local.putOnce('../escape.csv', Buffer.from('x'), 'text/csv')).rejects.toThrow(
      /leaves the store/,
    );
  });
});
