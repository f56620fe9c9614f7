// SES mail adapter: the message is composed by the same code as the local outbox (nodemailer's
// composer, so both write identical bytes) and sent raw through SES v2, which keeps our threading
// headers (In-Reply-To, References) but replaces the Message-ID with its own: that is why our mail
// also carries the ticket's thread token in References. SES's refusals are sorted here into the
// port's terms: throttled (wait, do not count), rejected (never retry), anything else (retry).
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { MailRejectedError, type MailSender, MailThrottledError, type OutboundMail } from '../ports/mail.ts';
import { composeMail } from './mail-local.ts';

export interface SesMailOptions {
  /** SES configuration set (event publishing: bounces, complaints), if any. */
  configurationSet?: string;
}

/** The bare address of a `"Name" <address>` mailbox. */
function addressOf(mailbox: string): string {
  const match = /<([^<>]+)>\s*$/.exec(mailbox);
  return (match ? match[1]! : mailbox).trim();
}

export function sendEmailInput(mail: OutboundMail, raw: Uint8Array, options: SesMailOptions = {}) {
  return {
    FromEmailAddress: addressOf(mail.from),
    Destination: { ToAddresses: mail.to },
    Content: { Raw: { Data: raw } },
    ...(options.configurationSet ? { ConfigurationSetName: options.configurationSet } : {}),
  };
}

/**
 * SES v2 answers its sending rate (and daily quota) with TooManyRequestsException or
 * LimitExceededException; the API's own throttling is ThrottlingException (also `Throttling`).
 */
const THROTTLED = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
]);
/**
 * Refusals of this mail that no retry can change. Account-wide refusals (sending paused, account
 * suspended) are not among them: they are retried, and fail the mail only after every attempt.
 */
const REJECTED = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException']);

/** The port's error for an SES failure: throttled, rejected, or the SDK's own (retried, counted). */
export function sesFailure(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const throttling = (error as { $retryable?: { throttling?: boolean } }).$retryable?.throttling === true;
  if (THROTTLED.has(error.name) || throttling) return new MailThrottledError(error.name);
  if (REJECTED.has(error.name)) return new MailRejectedError(error.name);
  return error;
}

export function sesMailSender(client: SESv2Client, options: SesMailOptions = {}): MailSender {
  return {
    async send(mail) {
      const raw = await composeMail(mail);
      try {
        await client.send(new SendEmailCommand(sendEmailInput(mail, raw, options)));
      } catch (error) {
        throw sesFailure(error);
      }
    },
  };
}
