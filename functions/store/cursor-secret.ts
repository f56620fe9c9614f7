// Where the deployment's cursor secret (store/cursor.ts) comes from, read once per container on the
// first paged list, never at cold start: in AWS a Secrets Manager secret the stack generates
// (CURSOR_SECRET_ARN, readable by the functions that page and no others); on one machine a file
// made once under DATA_DIR (CURSOR_SECRET_FILE), so cursors survive a restart of `npm start`.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type CursorSecret, lazyCursorSecret } from './cursor.ts';

/** Where the secret is, as the settings say (functions/settings.ts). */
export type CursorSecretSource = { secretArn: string } | { file: string };

const MIN_BYTES = 32;

function checked(secret: Buffer, where: string): Buffer {
  if (secret.length < MIN_BYTES)
    throw new Error(`the cursor secret in ${where} is shorter than ${MIN_BYTES} bytes`);
  return secret;
}

/** The file's secret; made (64 random hex digits, readable by the owner only) if there is none yet. */
async function fileSecret(file: string): Promise<Buffer> {
  try {
    return checked(Buffer.from((await readFile(file, 'utf8')).trim(), 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return checked(Buffer.from((await readFile(file, 'utf8')).trim(), 'utf8'), file);
}

async function managedSecret(secretArn: string): Promise<Buffer> {
  // Loaded with the first paged list, so functions that never page never load the client.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ maxAttempts: 3 });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!SecretString) throw new Error('the cursor secret has no SecretString');
    return checked(Buffer.from(SecretString, 'utf8'), 'the cursor secret');
  } finally {
    client.destroy();
  }
}

/** The secret of `source`, loaded on first use; with no source, an error on first use (a list cannot page). */
export function cursorSecretFrom(source: CursorSecretSource | undefined): CursorSecret {
  return lazyCursorSecret(async () => {
    if (!source) throw new Error('no cursor secret is configured (CURSOR_SECRET_ARN or CURSOR_SECRET_FILE)');
    return 'secretArn' in source ? managedSecret(source.secretArn) : fileSecret(source.file);
  });
}
