// The local HTTP server when a client goes away mid-request (a browser that leaves a page while a
// request is in flight): nothing is logged as a failure and the server keeps serving.

import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, expect, test, vi } from 'vitest';
import { createHttpServer } from '../../local/http-server.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

test('a request aborted while its body streams in is not logged as a server error', async () => {
  const server = createHttpServer([
    { routeKey: 'POST /v1/echo', public: true, handler: async () => ({ statusCode: 200, body: '{}' }) },
  ]);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const written: string[] = [];
  const stdout = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    written.push(String(chunk));
    return stdout(chunk, ...(rest as []));
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  await new Promise<void>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        'POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
      );
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 50);
    });
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(written.filter((line) => line.includes('request failed'))).toEqual([]);
  // Still serving.
  const answer = await fetch(`http://127.0.0.1:${port}/v1/echo`, { method: 'POST', body: '{}' });
  expect(answer.status).toBe(200);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
