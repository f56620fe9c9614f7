// The exports tests' API: the real HTTP server and handlers (test/api/harness.ts helpers) on a
// table of their own, because closing a month is global state other test files must not see.
// Exports go to a temporary directory through the local blob adapter.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { LocalBlobs } from '../../functions/adapters/blobs-local.ts';
import { authenticate } from '../../functions/api/auth.ts';
import type { MovableClock } from '../../functions/app/local-clock.ts';
import { ensureTable, localClient } from '../../local/dynamodb-local.ts';
import { createHttpServer } from '../../local/http-server.ts';
import { closeDueMonths } from '../../local/month-close.ts';
import { apiRoutes } from '../../local/routes.ts';
import { deskContext } from '../api/harness.ts';

export interface ExportsHarness {
  baseUrl: string;
  clock: MovableClock;
  blobs: LocalBlobs;
  exportsDir: string;
  /** Moves the clock to `iso` and closes what came due, as `POST /local/clock` does. */
  moveTo(iso: string): Promise<Awaited<ReturnType<typeof closeDueMonths>>>;
  close(): Promise<void>;
}

export async function startExportsApi(startAt: string): Promise<ExportsHarness> {
  const tableName = `exports-${randomUUID().slice(0, 8)}`;
  const client = localClient(inject('dynamoEndpoint'));
  await ensureTable(client, tableName);
  client.destroy();
  // The API reads exports where the settings say: <dataDir>/exports, as under `npm start`.
  const dataDir = mkdtempSync(join(tmpdir(), 'desk-exports-'));
  const app = deskContext({ tableName, dataDir });
  const clock = app.clock as MovableClock;
  clock.set(new Date(startAt));
  const exportsDir = join(dataDir, 'exports');
  const blobs = new LocalBlobs(exportsDir);
  // Start-up, as the local runtime does it: sets the cursor and uses these blobs.
  await closeDueMonths(app, clock.now(), blobs);
  const server = createHttpServer(
    apiRoutes(() => app),
    async (header) => {
      const context = await authenticate(app.store, header);
      return context ? { ...context } : undefined;
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    clock,
    blobs,
    exportsDir,
    moveTo: async (iso) => {
      clock.set(new Date(iso));
      return closeDueMonths(app, clock.now(), blobs);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Raw response text (exports are compared byte for byte). */
export async function pull(baseUrl: string, key: string, path: string, accept?: string) {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { authorization: `Bearer ${key}`, ...(accept ? { accept } : {}) },
    redirect: 'manual',
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
