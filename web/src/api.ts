// The console's one way to call the API: same origin, the signed-in key as a Bearer token, JSON in
// and out, and every failure turned into an ApiError that says in words what went wrong (from the
// problem+json body: its detail and the fields named in `errors`).

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly errors: FieldError[];
  readonly body: Record<string, unknown>;
  constructor(status: number, message: string, errors: FieldError[], body: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.errors = errors;
    this.body = body;
  }
  /** The message for one field, if the API named it. */
  field(name: string): string | undefined {
    return this.errors.find((error) => error.field === name || error.field === `query.${name}`)?.message;
  }
}

const WORDS: Record<number, string> = {
  401: 'This API key is not known, or it was revoked. Sign in again.',
  403: 'This key’s role may not do that.',
  404: 'Not found, or not visible to this key.',
  409: 'That conflicts with what is there already.',
  412: 'Someone changed this since you loaded it.',
  422: 'The plan refuses that.',
  429: 'Too many requests; wait a moment and try again.',
  503: 'The support desk is starting or unavailable; try again in a moment.',
};

let key: string | undefined;
let onUnauthorized: (() => void) | undefined;

export function useKey(value: string | undefined, unauthorized?: () => void): void {
  key = value;
  onUnauthorized = unauthorized;
}

async function failure(response: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  const errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : [];
  const detail =
    typeof body.detail === 'string' ? body.detail : typeof body.message === 'string' ? body.message : '';
  const words = WORDS[response.status] ?? `The request failed (HTTP ${response.status}).`;
  return new ApiError(
    response.status,
    detail ? `${words.replace(/\.$/, '')}: ${detail}` : words,
    errors,
    body,
  );
}

export interface Answer<T> {
  data: T;
  etag: string | null;
  status: number;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw text body (catalog uploads send the file as written). */
  text?: string;
}

/** Calls `path` (under /v1) with the key; resolves with the JSON answer or rejects with an ApiError. */
export async function call<T>(path: string, options: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (key) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (options.text !== undefined) body = options.text;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method: options.method ?? 'GET', headers, body, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'The support desk does not answer; check the connection.', [], {});
  }
  if (!response.ok) {
    const error = await failure(response);
    if (response.status === 401) onUnauthorized?.();
    throw error;
  }
  const data = response.status === 204 ? undefined : await response.json();
  return { data: data as T, etag: response.headers.get('etag'), status: response.status };
}

export async function get<T>(path: string): Promise<T> {
  return (await call<T>(path)).data;
}

/** A download of `path` as `accept`, saved by the browser under `filename`. */
export async function download(path: string, accept: string, filename: string): Promise<number> {
  const response = await fetch(path, {
    headers: { accept, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    cache: 'no-store',
  });
  if (!response.ok) throw await failure(response);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return blob.size;
}

/** A fresh Idempotency-Key per user action: a retried click never creates twice. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}
