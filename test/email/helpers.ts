// Helpers for the email tests: fixtures with placeholders filled in (and CRLF line ends, as mail
// travels), SES-shaped deliveries through the real intake handler, and the outbox of chosen
// recipients delivered to a capturing sender (test files share one table: never drain others' mail).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SESEvent } from 'aws-lambda';
import type { AppContext } from '../../functions/app/context.ts';
import { sesIntakeHandler } from '../../functions/email/handler.ts';
import type { Intake, IntakeResult } from '../../functions/email/intake.ts';
import { outboxSender } from '../../functions/email/outbox-sender.ts';
import type { BlobStore } from '../../functions/ports/blobs.ts';
import type { MailSender, OutboundMail } from '../../functions/ports/mail.ts';
import type { Verdicts } from '../../functions/store/inbound-mail.ts';
import { getOutboxItem, pendingOutboxIds } from '../../functions/store/outbox.ts';

export const SUPPORT = 'support@desk.localhost';

export function fixture(name: string, vars: Record<string, string> = {}): Buffer {
  let bytes = readFileSync(new URL(`./fixtures/${name}`, import.meta.url)).toString('latin1');
  for (const [key, value] of Object.entries({ TO: SUPPORT, ...vars }))
    bytes = bytes.replaceAll(`{{${key}}}`, value);
  return Buffer.from(bytes.replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** A plain message built in the test. */
export function message(fields: {
  from: string;
  subject: string;
  body: string;
  messageId?: string;
  headers?: Record<string, string>;
}): Buffer {
  const lines = [
    `Return-Path: <${fields.from}>`,
    `From: ${fields.from}`,
    `To: ${SUPPORT}`,
    `Subject: ${fields.subject}`,
    'Date: Wed, 02 Dec 2026 09:00:00 +0000',
    `Message-ID: <${fields.messageId ?? `${randomBytes(8).toString('hex')}@test.example`}>`,
    ...Object.entries(fields.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    fields.body,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

export const PASS: Verdicts = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };

export function sesEvent(
  sesMessageId: string,
  verdicts: Verdicts = PASS,
  source = 'sender@test.example',
): SESEvent {
  const status = (s: string) => ({ status: s as 'PASS' });
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: new Date().toISOString(),
            source,
            messageId: sesMessageId,
            destination: [SUPPORT],
            headersTruncated: false,
            headers: [],
            commonHeaders: { returnPath: source, date: '', messageId: '' },
          },
          receipt: {
            timestamp: new Date().toISOString(),
            processingTimeMillis: 10,
            recipients: [SUPPORT],
            spamVerdict: status(verdicts.spam),
            virusVerdict: status(verdicts.virus),
            spfVerdict: status(verdicts.spf),
            dkimVerdict: status(verdicts.dkim),
            dmarcVerdict: status(verdicts.dmarc),
            action: {
              type: 'Lambda',
              functionArn: 'arn:aws:lambda:eu-west-1:1:function:intake',
              invocationType: 'Event',
            },
          },
        },
      },
    ],
  };
}

export function newSesId(): string {
  return randomBytes(20).toString('hex');
}

/** Stores the raw message where SES's S3 action would and runs the SES event through the handler. */
export async function deliver(
  intake: Intake,
  blobs: BlobStore,
  raw: Uint8Array,
  options: { sesMessageId?: string; verdicts?: Verdicts } = {},
): Promise<IntakeResult> {
  const id = options.sesMessageId ?? newSesId();
  await blobs.putOnce(`inbound/${id}`, raw, 'message/rfc822');
  const [result] = await sesIntakeHandler(intake, 'inbound/')(sesEvent(id, options.verdicts));
  return result!;
}

/** Sends the desk's pending outbox items addressed to `addresses` through `mail` (default: captured). */
export async function sendOutboxTo(
  ctx: AppContext,
  addresses: string[],
  mail?: MailSender,
): Promise<OutboundMail[]> {
  const captured: OutboundMail[] = [];
  const sender = outboxSender({
    context: () => ctx,
    mail: mail ?? { send: async (m) => void captured.push(m) },
  });
  const wanted = new Set(addresses.map((a) => a.toLowerCase()));
  for (const id of await pendingOutboxIds(ctx.store, 1000)) {
    const item = await getOutboxItem(ctx.store, id);
    if (item?.status === 'pending' && item.mail.to.some((to) => wanted.has(to.toLowerCase()))) {
      await sender.deliver(id);
    }
  }
  return captured;
}

/** An address nobody else in the run uses. */
export function uniqueAddress(name: string, domain = 'jadran.example'): string {
  return `${name}.${randomBytes(4).toString('hex')}@${domain}`;
}

// biome-ignore lint/suspicious/noExplicitAny: API bodies are read field by field in the tests
type AgentCall = (method: string, path: string) => Promise<{ status: number; body: any }>;

/**
 * Releases a held mail through the API, which answers 202 (the intake runs it in the background),
 * then follows the entry until it is released; returns the entry as released.
 */
// biome-ignore lint/suspicious/noExplicitAny: API bodies are read field by field in the tests
export async function releaseAndWait(agent: AgentCall, id: string): Promise<any> {
  const asked = await agent('POST', `/v1/quarantine/${id}/release`);
  if (asked.status !== 202)
    throw new Error(`release answered ${asked.status}: ${JSON.stringify(asked.body)}`);
  if (asked.body.status !== 'releasing' || asked.body.statusUrl !== `/v1/quarantine/${id}`)
    throw new Error(`release answered ${JSON.stringify(asked.body)}`);
  for (let i = 0; i < 100; i++) {
    const entry = await agent('GET', `/v1/quarantine/${id}`);
    if (entry.body.status === 'released') return entry.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`quarantined mail ${id} was not released`);
}
