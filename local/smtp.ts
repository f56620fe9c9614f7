// The local SMTP server (127.0.0.1:2525): what SES receiving does in AWS. It accepts mail for the
// support address only (others are refused at RCPT TO), stores the raw bytes with the trace headers
// a receiving MTA adds, and calls the same intake handler with an SES-shaped receipt event (every
// verdict PASS, unless the message asks otherwise in `X-Local-Verdicts`, honoured while
// LOCAL_VERDICT_HEADER allows it, so quarantine can be tried). It answers 250 once the intake has
// finished, 451 if it failed (the client retries).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SESEvent } from 'aws-lambda';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { LocalBlobs } from '../functions/adapters/blobs-local.ts';
import type { AppContext } from '../functions/app/context.ts';
import { sesIntakeHandler } from '../functions/email/handler.ts';
import { createIntake, type IntakeLimits, type IntakeResult } from '../functions/email/intake.ts';
import { headerEnd } from '../functions/email/parse.ts';
import { mailSettings } from '../functions/mail/settings.ts';
import type { BlobStore } from '../functions/ports/blobs.ts';
import { log } from '../functions/shared/log.ts';
import type { Verdicts } from '../functions/store/inbound-mail.ts';
import { readLocalConfig } from './config.ts';

export interface SmtpServerOptions {
  host: string;
  port: number;
  /** The one address mail is accepted for. */
  supportAddress: string;
  /** Raw mail and attachments go to `<dataDir>/mail/` (the local "S3 bucket"). */
  dataDir: string;
  /** Largest message accepted at all (SES receives up to 40 MB). */
  maxBytes?: number;
  limits?: Partial<IntakeLimits>;
  /**
   * Take SES's verdicts from an `X-Local-Verdicts: spam=FAIL; dkim=FAIL` header (then stripped from
   * the stored message). Default: LOCAL_VERDICT_HEADER (on unless `0`).
   */
  verdictHeader?: boolean;
  /** The desk the mail goes to: its store, clock and settings. */
  context: () => AppContext;
  /** Told about every processed mail (tests, the bench). */
  onProcessed?: (result: IntakeResult) => void;
}

export interface LocalSmtpServer {
  port: number;
  blobs: BlobStore;
  stop(): Promise<void>;
}

const RAW_PREFIX = 'inbound/';

/** An id shaped like SES's message ids (lowercase base32-ish, 40 characters). */
function sesMessageId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(40)].map((b) => alphabet[b % alphabet.length]).join('');
}

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

const PASS: Verdicts = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };
const VERDICT_HEADER = /^x-local-verdicts:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*\r?\n/gim;
const STATUSES = ['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'];

function smtpError(message: string, responseCode: number): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * The verdicts an `X-Local-Verdicts` header asks for (`spam=FAIL; dkim=FAIL`; unnamed checks PASS),
 * and the message without that header. Only the message's own header block is read.
 */
export function localVerdicts(body: Buffer): { verdicts: Verdicts; body: Buffer } {
  const end = headerEnd(body);
  const head = body.subarray(0, end).toString('latin1');
  const values: string[] = [];
  const stripped = head.replace(VERDICT_HEADER, (line) => {
    values.push(
      line
        .slice(line.indexOf(':') + 1)
        .replace(/\s+/g, ' ')
        .trim(),
    );
    return '';
  });
  if (values.length === 0) return { verdicts: PASS, body };
  const verdicts = { ...PASS };
  for (const pair of values
    .join(';')
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name = '', status = ''] = pair.split('=').map((p) => p.trim());
    const check = name.toLowerCase();
    if (!(check in verdicts)) {
      throw smtpError(
        `X-Local-Verdicts: unknown check "${name}" (one of spam, virus, spf, dkim, dmarc)`,
        550,
      );
    }
    if (!STATUSES.includes(status.toUpperCase())) {
      throw smtpError(`X-Local-Verdicts: ${check} must be one of ${STATUSES.join(', ')}`, 550);
    }
    verdicts[check as keyof Verdicts] = status.toUpperCase();
  }
  return { verdicts, body: Buffer.concat([Buffer.from(stripped, 'latin1'), body.subarray(end)]) };
}

function sesEvent(
  id: string,
  session: SMTPServerSession,
  now: Date,
  recipients: string[],
  verdicts: Verdicts,
): SESEvent {
  const verdict = (status: string) => ({ status: status as 'PASS' });
  const source = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: now.toISOString(),
            source,
            messageId: id,
            destination: recipients,
            headersTruncated: false,
            headers: [],
            commonHeaders: { returnPath: source, date: now.toUTCString(), messageId: '' },
          },
          receipt: {
            timestamp: now.toISOString(),
            processingTimeMillis: 0,
            recipients,
            spamVerdict: verdict(verdicts.spam),
            virusVerdict: verdict(verdicts.virus),
            spfVerdict: verdict(verdicts.spf),
            dkimVerdict: verdict(verdicts.dkim),
            dmarcVerdict: verdict(verdicts.dmarc),
            action: { type: 'Lambda', functionArn: 'local', invocationType: 'Event' },
          },
        },
      },
    ],
  };
}

export async function startSmtpServer(options: SmtpServerOptions): Promise<LocalSmtpServer> {
  const support = options.supportAddress.toLowerCase();
  const mailDir = join(options.dataDir, 'mail');
  const blobs = new LocalBlobs(mailDir);
  const intake = createIntake({
    context: options.context,
    blobs,
    settings: mailSettings(support),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const handle = sesIntakeHandler(intake, RAW_PREFIX);
  const maxBytes = options.maxBytes ?? 40 * 1024 * 1024;
  const verdictHeader = options.verdictHeader ?? readLocalConfig().localVerdictHeader;

  const server = new SMTPServer({
    name: 'desk.localhost',
    banner: 'support desk local intake',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.toLowerCase() === support) return callback();
      const error = new Error(
        `mailbox unavailable: this server accepts mail for ${support} only`,
      ) as Error & {
        responseCode: number;
      };
      error.responseCode = 550;
      callback(error);
    },
    onData(stream, session, callback) {
      readAll(stream)
        .then(async (received) => {
          if (stream.sizeExceeded) throw smtpError(`message exceeds ${maxBytes} bytes`, 552);
          const { verdicts, body } = verdictHeader
            ? localVerdicts(received)
            : { verdicts: PASS, body: received };
          const now = options.context().clock.now();
          const id = sesMessageId();
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          // What a receiving MTA prepends: the envelope sender and a trace line.
          const trace =
            `Return-Path: <${from}>\r\n` +
            `Received: from ${session.hostNameAppearsAs || 'unknown'} (${session.remoteAddress}) by desk.localhost with SMTP id ${id}; ${now.toUTCString()}\r\n`;
          await blobs.putOnce(
            `${RAW_PREFIX}${id}`,
            Buffer.concat([Buffer.from(trace, 'latin1'), body]),
            'message/rfc822',
          );
          const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          const [result] = await handle(sesEvent(id, session, now, recipients, verdicts));
          if (result) options.onProcessed?.(result);
          callback(null, `Ok: queued as ${id}`);
        })
        .catch((error: Error & { responseCode?: number }) => {
          if (!error.responseCode) {
            log('error', 'local smtp intake failed', { error: error.name });
            error = Object.assign(new Error('temporary failure, try again later'), { responseCode: 451 });
          }
          callback(error);
        });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    blobs,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
