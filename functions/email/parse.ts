// Turns raw MIME bytes into what the intake decides on: headers, addresses, message ids, text, HTML
// and attachments. postal-mime does the MIME work (charsets through TextDecoder: on Node 24
// windows-1252 decodes smart quotes and the euro sign; an unknown label falls back to windows-1252,
// so it never throws). Malformed structure never stops the intake: what could not be parsed is
// taken from the raw body instead, and the raw message is kept anyway. format=flowed text is
// unfolded by flowed.ts, which keeps quote marks on their own lines.
import { createHash } from 'node:crypto';
import PostalMime, { type Email } from 'postal-mime';
import { decodeFlowed, restoreFlowedHeader, restoreFlowedParam, unflowedCopy } from './flowed.ts';

export interface MailAttachment {
  filename: string | null;
  mimeType: string;
  disposition: string | null;
  /** An inline part the HTML refers to (signature logos and the like). */
  related: boolean;
  content: Uint8Array;
}

export interface ParsedMail {
  /** Lowercased header name to its values, in order. */
  headers: Map<string, string[]>;
  /** Message-ID without angle brackets; derived from the bytes when the message has none. */
  messageId: string;
  messageIdDerived: boolean;
  inReplyTo: string[];
  /** References, oldest first. */
  references: string[];
  from?: { address: string; name: string };
  subject: string;
  text?: string;
  html?: string;
  attachments: MailAttachment[];
  /** Set when the structure was broken and the body was read from the raw bytes. */
  damaged?: 'unparsable' | 'no-body-parts';
}

/** Message ids inside a header value: `<a@b> <c@d>` gives `a@b`, `c@d`. */
export function idsIn(value: string | undefined): string[] {
  if (!value) return [];
  const ids = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  if (ids.length > 0) return ids;
  // Some mailers omit the brackets around a lone id.
  const bare = value.trim();
  return /^[^\s<>@]+@[^\s<>@]+$/.test(bare) ? [bare] : [];
}

/** Headers a relay adds on the way (they differ between two deliveries of the same message). */
const TRACE_HEADERS =
  /^(received|return-path|delivered-to|x-original-to|authentication-results|arc-[\w-]+|x-ses-[\w-]+|x-received|x-spam[\w-]*|x-virus[\w-]*)$/i;

/** The byte offset where the body starts (after the first empty line), or the length if none. */
export function headerEnd(raw: Uint8Array): number {
  for (let i = 0; i + 1 < raw.length; i++) {
    if (raw[i] === 0x0a && raw[i + 1] === 0x0a) return i + 2;
    if (raw[i] === 0x0a && raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return i + 3;
  }
  return raw.length;
}

/**
 * A Message-ID for a message without one, from its bytes minus the trace headers relays add: the
 * same message delivered twice gets the same id, so redelivery is still recognised.
 */
export function derivedMessageId(raw: Uint8Array): string {
  const end = headerEnd(raw);
  const head = Buffer.from(raw.subarray(0, end))
    .toString('latin1')
    .replace(/\r?\n[ \t]+/g, ' ');
  const kept = head
    .split(/\r?\n/)
    .filter((line) => line !== '' && !TRACE_HEADERS.test(line.slice(0, line.indexOf(':')).trim()))
    .join('\n');
  const hash = createHash('sha256').update(kept).update('\n\n').update(raw.subarray(end)).digest('hex');
  return `${hash.slice(0, 40)}@derived.invalid`;
}

function headerMap(email: Pick<Email, 'headers'>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const header of email.headers) {
    const list = map.get(header.key) ?? [];
    list.push(header.value);
    map.set(header.key, list);
  }
  return map;
}

function firstMailbox(email: Email): { address: string; name: string } | undefined {
  const from = email.from;
  if (!from) return undefined;
  const box = from.address !== undefined ? from : from.group?.[0];
  if (!box?.address) return undefined;
  return { address: box.address.toLowerCase(), name: box.name };
}

function toBytes(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

/** The body as text when MIME parsing gave nothing: best effort, never throws. */
function rawBodyText(raw: Uint8Array): string {
  const body = raw.subarray(headerEnd(raw));
  const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(body);
  // Boundary lines of a multipart without a declared boundary carry no content.
  return utf8
    .split(/\r?\n/)
    .filter((line) => !/^--[\w'()+,./:=?-]{1,70}(--)?\s*$/.test(line) && !/^content-[\w-]+:/i.test(line))
    .join('\n')
    .trim();
}

/** Parses only the header block: for oversized messages, whose body is never read. */
export async function parseHeaders(raw: Uint8Array): Promise<ParsedMail> {
  const parsed = await parseMail(raw.subarray(0, headerEnd(raw)));
  if (parsed.messageIdDerived) parsed.messageId = derivedMessageId(raw);
  return parsed;
}

export async function parseMail(raw: Uint8Array): Promise<ParsedMail> {
  let email: Email;
  let damaged: ParsedMail['damaged'];
  // Flowed text is unfolded here, quote-aware (flowed.ts), not by postal-mime.
  const flowed = unflowedCopy(raw);
  try {
    email = await PostalMime.parse(flowed?.raw ?? raw, {
      attachmentEncoding: 'arraybuffer',
      forceRfc822Attachments: true,
    });
    if (flowed && email.text) email.text = decodeFlowed(email.text, flowed.delSp);
  } catch {
    // Limits (nesting, header size) or broken input: keep going with what the raw text offers.
    damaged = 'unparsable';
    email = await PostalMime.parse(raw.subarray(0, Math.min(headerEnd(raw), 64 * 1024))).catch(
      () => ({ headers: [], headerLines: [], attachments: [] }) as Email,
    );
  }
  // Headers and kept parts (an attached message) as received, not as renamed for postal-mime.
  if (flowed) for (const h of email.headers) h.value = restoreFlowedHeader(h.value);
  const keep = flowed ? restoreFlowedParam : (bytes: Uint8Array) => bytes;
  const headers = headerMap(email);
  const ownId = idsIn(headers.get('message-id')?.[0])[0];
  const parsed: ParsedMail = {
    headers,
    messageId: ownId ?? derivedMessageId(raw),
    messageIdDerived: ownId === undefined,
    inReplyTo: idsIn(headers.get('in-reply-to')?.join(' ')),
    references: idsIn(headers.get('references')?.join(' ')),
    subject: (email.subject ?? '').replace(/\s+/g, ' ').trim(),
    attachments: email.attachments.map((a) => ({
      filename: a.filename,
      mimeType: a.mimeType,
      disposition: a.disposition,
      related: a.related === true,
      content: keep(toBytes(a.content)),
    })),
  };
  const from = firstMailbox(email);
  if (from) parsed.from = from;
  if (email.text?.trim()) parsed.text = email.text;
  if (email.html?.trim()) parsed.html = email.html;
  const hasBody = headerEnd(raw) < raw.length;
  if (!parsed.text && !parsed.html && parsed.attachments.length === 0 && hasBody) {
    const text = rawBodyText(raw);
    if (text) {
      parsed.text = text;
      damaged ??= 'no-body-parts';
    }
  }
  if (damaged) parsed.damaged = damaged;
  return parsed;
}

/** First value of a header, trimmed ('' when absent). */
export function header(mail: Pick<ParsedMail, 'headers'>, name: string): string {
  return (mail.headers.get(name.toLowerCase())?.[0] ?? '').trim();
}
