// `support-desk api-key create` against DynamoDB Local (DYNAMODB_ENDPOINT): the first admin key of
// a deployment. The secret is printed once on stdout and works as a key; mistakes exit 1 or 2.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { findApiKey } from '../../functions/store/api-keys.ts';
import { createStoreContext } from '../../functions/store/context.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the CLI as a deployer would, with AWS settings from the environment only. */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['cli/support-desk.ts', ...args], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const store = () =>
  createStoreContext(inject('tableName'), {
    endpoint: inject('dynamoEndpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });

describe('support-desk api-key create', () => {
  it('writes an admin key and prints its secret, once, on stdout', async () => {
    const run = await cli(
      'api-key',
      'create',
      '--role',
      'admin',
      '--table',
      inject('tableName'),
      '--name',
      'first admin',
    );
    expect(run.stderr).toMatch(/^Created admin key [0-9a-f]{16} \("first admin"\) in /);
    expect(run.status).toBe(0);
    const secret = run.stdout.trim();
    expect(secret).toMatch(/^sd_admin_[A-Za-z0-9_-]{43}$/);
    expect(await findApiKey(store(), secret)).toMatchObject({ role: 'admin', name: 'first admin' });
  });

  it('refuses a customer key for an account that does not exist (exit 1)', async () => {
    const run = await cli(
      'api-key',
      'create',
      '--role',
      'customer',
      '--account',
      'nope',
      '--table',
      inject('tableName'),
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('cannot create the key: accountId: no account "nope"');
  });

  it('says what is missing or wrong in the command (exit 2)', async () => {
    const noTable = await cli('api-key', 'create', '--role', 'admin');
    expect(noTable.status).toBe(2);
    expect(noTable.stderr).toMatch(/^--table is required/);
    const badRole = await cli('api-key', 'create', '--role', 'root', '--table', 't');
    expect(badRole.status).toBe(2);
    expect(badRole.stderr).toMatch(/^--role must be one of customer, agent, finance, admin/);
  });

  it('reports a table that does not exist (exit 1)', async () => {
    const run = await cli('api-key', 'create', '--role', 'agent', '--table', 'no-such-table');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/cannot create the key: ResourceNotFoundException/);
  });
});
