// `npm start` as a user runs it: a real process, real HTTP, SIGTERM, and a restart on the same data.
// Starting takes seconds on a quiet machine and close to a minute on a loaded one: the tests wait for
// the runtime's "running" line, bounded only by their generous timeouts, and every process they
// started is killed when they end, pass or fail.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, expect, test } from 'vitest';
import { createStoreContext } from '../../functions/store/context.ts';
import { freePort, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local.ts';
import { killOwnedProcesses, spawnOwned } from '../setup/processes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'support-desk-runtime-'));
afterAll(() => {
  killOwnedProcesses();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startRuntime(
  port: number,
  dynamoDbPort: number,
  smtpPort: number,
): Promise<{ child: ChildProcess; output: () => string; startingStatuses: number[] }> {
  const child = spawnOwned(process.execPath, ['local/main.ts'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      DYNAMODB_PORT: String(dynamoDbPort),
      SMTP_PORT: String(smtpPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  // What a client polling health sees while the runtime starts (the port is claimed first).
  const startingStatuses: number[] = [];
  while (!output.includes('Support desk running')) {
    if (child.exitCode !== null) throw new Error(`runtime exited early:\n${output}`);
    const status = await fetch(`http://127.0.0.1:${port}/v1/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (status !== 0) startingStatuses.push(status);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output, startingStatuses };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

test('npm start serves /v1/health, stops on SIGTERM, and keeps data across a restart', async () => {
  const [port, dynamoDbPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
  const first = await startRuntime(port, dynamoDbPort, smtpPort);
  const health = await fetch(`http://127.0.0.1:${port}/v1/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok', table: 'ok' });
  expect(first.output()).toContain('(created)');
  // Before it is ready it answers 503 (Retry-After), never a 500, and logs no error.
  expect(first.startingStatuses.filter((status) => status !== 503 && status !== 200)).toEqual([]);
  expect(first.output()).not.toMatch(/"level":"error"/i);

  const store = createStoreContext('support-desk', {
    endpoint: `http://127.0.0.1:${dynamoDbPort}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  await store.doc.send(
    new PutCommand({ TableName: 'support-desk', Item: { PK: 'PROBE', SK: 'PROBE', value: 42 } }),
  );
  // A user's first steps: the printed customer key opens a ticket.
  const demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8'));
  const customerKey = demo.keys.customer['demo-b2bee'] as string;
  expect(first.output()).toContain(customerKey);
  const created = await fetch(`http://127.0.0.1:${port}/v1/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${customerKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ subject: 'Survives a restart', body: 'hello' }),
  });
  expect(created.status).toBe(201);
  const ticket = (await created.json()) as { id: string; reference: string };
  expect(await stop(first.child)).toBe(0);

  const second = await startRuntime(port, dynamoDbPort, smtpPort);
  expect(second.output()).toContain('(existed)');
  const item = await store.doc.send(
    new GetCommand({ TableName: 'support-desk', Key: { PK: 'PROBE', SK: 'PROBE' } }),
  );
  expect(item.Item?.value).toBe(42);
  // The same keys and tickets are there after the restart.
  expect(JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')).keys).toEqual(demo.keys);
  const again = await fetch(`http://127.0.0.1:${port}/v1/tickets/${ticket.id}`, {
    headers: { authorization: `Bearer ${customerKey}` },
  });
  expect(((await again.json()) as { reference: string }).reference).toBe(ticket.reference);
  const unknown = await fetch(`http://127.0.0.1:${port}/v1/nothing-here`);
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('content-type')).toBe('application/problem+json');
  expect(await stop(second.child)).toBe(0);
  store.doc.destroy();
}, 300_000); // two starts, each up to a minute or more on a loaded machine

test('a port already in use gives a clear message and exit code 1', async () => {
  const { createServer } = await import('node:net');
  const blocker = createServer();
  const port = await freePort();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', () => resolve()));
  const child = spawnOwned(process.execPath, ['local/main.ts'], {
    env: { ...process.env, DATA_DIR: join(dataDir, 'other'), PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  blocker.close();
  expect(code).toBe(1);
  expect(output).toContain(`port ${port} on 127.0.0.1 is already in use`);
}, 60_000);
