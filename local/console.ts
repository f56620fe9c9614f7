// Serves the web console from memory on the API's port: built by esbuild when the runtime starts
// (web/build.ts), compressed once, sent with the same security headers CloudFront adds in AWS.
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { buildConsole, type ConsoleFile } from '../web/build.ts';
import { CONSOLE_HEADERS } from '../web/headers.ts';
import type { StaticFiles } from './http-server.ts';

interface Served extends ConsoleFile {
  gzip: Buffer;
  brotli: Buffer;
  etag: string;
}

function served(file: ConsoleFile): Served {
  return {
    ...file,
    gzip: gzipSync(file.body, { level: 9 }),
    brotli: brotliCompressSync(file.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    etag: `"${createHash('sha256').update(file.body).digest('base64url').slice(0, 22)}"`,
  };
}

/** Builds the console and returns the handler that serves it (`/` is index.html). */
export function consoleHandler(files: ConsoleFile[] = buildConsole()): StaticFiles {
  const byPath = new Map(files.map((file) => [file.path, served(file)]));
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path.startsWith('/v1/') || path === '/v1' || path.startsWith('/local/')) return false;
    const file = byPath.get(path === '/' ? '/index.html' : path);
    const method = request.method ?? 'GET';
    const headers: Record<string, string> = { ...CONSOLE_HEADERS };
    if (!file) {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      response.end('Not found. The console is at /, the API under /v1.\n');
      return true;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      response.writeHead(405, { ...headers, allow: 'GET, HEAD' });
      response.end();
      return true;
    }
    const accepted = String(request.headers['accept-encoding'] ?? '');
    const [encoding, body] = /\bbr\b/.test(accepted)
      ? ['br', file.brotli]
      : /\bgzip\b/.test(accepted)
        ? ['gzip', file.gzip]
        : [undefined, file.body];
    Object.assign(headers, {
      'content-type': file.contentType,
      'content-length': String(body.length),
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag: file.etag,
      vary: 'accept-encoding',
      ...(encoding ? { 'content-encoding': encoding } : {}),
    });
    if (request.headers['if-none-match'] === file.etag) {
      response.writeHead(304, headers);
      response.end();
      return true;
    }
    response.writeHead(200, headers);
    response.end(method === 'HEAD' ? undefined : body);
    return true;
  };
}
