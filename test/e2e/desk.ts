// What a user of `npm start` has, for the end-to-end stories: the HTTP API with the demo keys, the
// SMTP intake (nodemailer), the outbox directory of .eml files and the movable clock. Nothing here
// calls the product's code: expected values in the stories are computed by hand. Every answer is
// recorded and, when a story file ends, checked against the OpenAPI document the runtime serves:
// an answer the document does not describe fails the story.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { Temporal } from 'temporal-polyfill';
import { afterAll, expect, inject } from 'vitest';
import { type Exchange, headersOf, type OpenApiDocument, responseChecker } from '../api/openapi-responses.ts';

export const desk = inject('e2e');
export const keys = desk.keys;

/** The fields of the API's answers the stories read (the OpenAPI document has them all). */
export interface SlaClock {
  state: 'running' | 'paused' | 'met' | 'stopped' | 'breached';
  calendarId: string;
  targetMs: number;
  dueAt?: string;
  warnAt?: string;
  elapsedMs: number;
  remainingMs: number;
  overdueMs: number;
  breached: boolean;
  paused: boolean;
  met: boolean;
  breachedAt?: string;
  metAt?: string;
  stoppedAt?: string;
}

export interface Ticket {
  id: string;
  reference: string;
  accountId: string;
  subject: string;
  severity: string;
  kind: 'incident' | 'request';
  declared: { kind: 'incident' | 'request'; severity: string };
  assessed: { kind: 'incident' | 'request'; severity: string; by: string; at: string } | null;
  status: string;
  channel: 'api' | 'email';
  severityConfirmed: boolean;
  clocksStartAt: string;
  /** `reason` is for staff keys only; `notes` say what the request used. */
  entitlement: { decision: string; reason?: string; notes: { kind: string; [field: string]: unknown }[] };
  createdAt: string;
  acknowledgedAt: string | null;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  /** Only the plan's metrics are present; each story reads the ones its plan has. */
  sla: { acknowledge: SlaClock; firstResponse: SlaClock; resolution: SlaClock };
}

export interface Message {
  body: string;
  channel: string;
  visibility: string;
  author: { type: string; email?: string };
}

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

/** Every call of this story file, for the check against the OpenAPI document. */
const exchanges: Exchange[] = [];

afterAll(async () => {
  const document = (await (await fetch(`${desk.api}/v1/openapi.json`)).json()) as OpenApiDocument;
  const check = responseChecker(document);
  const documented = exchanges.filter((exchange) => !exchange.url.startsWith('/local/'));
  const mismatches = documented.flatMap((exchange) => check(exchange));
  console.log(
    `OpenAPI check: ${documented.length} answers validated against the document, ${mismatches.length} mismatches`,
  );
  expect(mismatches, 'answers the OpenAPI document does not describe').toEqual([]);
});

/** One HTTP call; JSON bodies are parsed, anything else is left as text. */
export async function call<T = unknown>(
  method: string,
  path: string,
  key?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const response = await fetch(`${desk.api}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  exchanges.push({
    method,
    url: path,
    status: response.status,
    headers: headersOf(response.headers),
    body: text,
  });
  let parsed: unknown = text;
  if (/json/.test(response.headers.get('content-type') ?? '')) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, text, body: parsed as T };
}

/** A call that must answer `status`; the problem's text is in the failure message otherwise. */
// biome-ignore lint/suspicious/noExplicitAny: callers name the shape they read, or read loosely
export async function ok<T = any>(
  status: number,
  method: string,
  path: string,
  key?: string,
  body?: unknown,
): Promise<T> {
  const answer = await call<T>(method, path, key, body);
  expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(status);
  return answer.body;
}

// --- The clock and the timeline --------------------------------------------------------------

/** The instant of local wall time `time` on the anchor Monday + `day` days, in `zone`. */
export function local(day: number, time: string, zone: string): string {
  return Temporal.PlainDate.from(desk.anchor)
    .add({ days: day })
    .toPlainDateTime(Temporal.PlainTime.from(time))
    .toZonedDateTime(zone)
    .toInstant()
    .toString();
}

/** The local date (YYYY-MM-DD) of the anchor Monday + `offset` days. */
export function day(offset: number): string {
  return Temporal.PlainDate.from(desk.anchor).add({ days: offset }).toString();
}

/** Moves the runtime's clock to `instant` (forward only): SLA timers and month closes fire. */
export async function setClock(instant: string): Promise<{ now: string; fired: number }> {
  return ok(200, 'POST', '/local/clock', undefined, { set: instant });
}

export async function advanceClock(duration: string): Promise<{ now: string; fired: number }> {
  return ok(200, 'POST', '/local/clock', undefined, { advance: duration });
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/**
 * The runtime's clock keeps running in real time after each `set`, so instants the desk records are
 * a few seconds after the hand-computed ones: within 20 s is exact at the scale of SLA targets.
 */
export function expectInstant(actual: string | null | undefined, expected: string, what = 'instant'): void {
  expect(actual, what).toBeTypeOf('string');
  const drift = Date.parse(actual as string) - Date.parse(expected);
  expect(drift, `${what}: ${actual} should be ${expected}`).toBeGreaterThanOrEqual(0);
  expect(drift, `${what}: ${actual} should be ${expected}`).toBeLessThan(20_000);
}

export function expectDuration(actualMs: number, expectedMs: number, what = 'duration'): void {
  expect(Math.abs(actualMs - expectedMs), `${what}: ${actualMs} ms should be ${expectedMs} ms`).toBeLessThan(
    20_000,
  );
}

/** Polls `probe` until it returns something, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// --- Tickets ---------------------------------------------------------------------------------

export async function ticketsOf(accountId: string): Promise<Ticket[]> {
  const page = await ok<{ items: Ticket[] }>(
    200,
    'GET',
    `/v1/tickets?accountId=${accountId}&limit=100`,
    keys.agent,
  );
  return page.items;
}

/** The ticket a mail opened, found as an agent would: by account and subject. */
export async function ticketBySubject(accountId: string, subject: string): Promise<Ticket> {
  return eventually(`a ticket "${subject}" on ${accountId}`, async () =>
    (await ticketsOf(accountId)).find((ticket) => ticket.subject === subject),
  );
}

export async function messagesOf(ticketId: string): Promise<Message[]> {
  return (
    await ok<{ items: Message[] }>(200, 'GET', `/v1/tickets/${ticketId}/messages?limit=100`, keys.agent)
  ).items;
}

/** Waits for a message holding `text` on a ticket (mail is taken in asynchronously). */
export async function messageContaining(ticketId: string, text: string): Promise<Message> {
  return eventually(`a message "${text}"`, async () =>
    (await messagesOf(ticketId)).find((message) => message.body.includes(text)),
  );
}

// --- Mail ------------------------------------------------------------------------------------

const transport = nodemailer.createTransport({
  host: '127.0.0.1',
  port: desk.smtpPort,
  secure: false,
  ignoreTLS: true,
});

/** Sends a mail to the support address through the SMTP intake; answers its Message-ID. */
export async function sendMail(mail: {
  from: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  references?: string;
}): Promise<string> {
  const info = await transport.sendMail({ to: desk.supportAddress, ...mail });
  return info.messageId;
}

export interface OutboxMail {
  file: string;
  /** Header names in lower case; folded lines unfolded. */
  headers: Record<string, string>;
  body: string;
}

export function outbox(): OutboxMail[] {
  const dir = join(desk.dataDir, 'outbox');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.eml'))
    .sort()
    .map((file) => {
      const raw = readFileSync(join(dir, file), 'utf8').replace(/\r\n/g, '\n');
      const split = raw.indexOf('\n\n');
      const headers: Record<string, string> = {};
      for (const line of raw
        .slice(0, split)
        .replace(/\n[ \t]+/g, ' ')
        .split('\n')) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      const body = raw.slice(split + 2);
      return {
        file,
        headers,
        body: /quoted-printable/i.test(headers['content-transfer-encoding'] ?? '')
          ? quotedPrintable(body)
          : body,
      };
    });
}

/** Decodes a quoted-printable UTF-8 body (RFC 2045): soft line breaks and =XX bytes. */
function quotedPrintable(body: string): string {
  const bytes = body
    .replace(/=\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Waits for the outbox delivery to write a mail that `match` accepts. */
export async function mailOut(what: string, match: (mail: OutboxMail) => boolean): Promise<OutboxMail> {
  return eventually(`outbound mail: ${what}`, async () => outbox().find(match));
}
