// SES mail adapter: the message is composed by the same code as the local outbox (nodemailer's
// composer, so both write identical bytes) and sent raw through SES v2, which keeps our threading
// headers (In-Reply-To, References) but replaces the Message-ID with its own: that is why our mail
// also carries the ticket's thread token in References.
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { MailSender, OutboundMail } from '../ports/mail.ts';
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

export function sesMailSender(client: SESv2Client, options: SesMailOptions = {}): MailSender {
  return {
    async send(mail) {
      const raw = await composeMail(mail);
      await client.send(new SendEmailCommand(sendEmailInput(mail, raw, options)));
    },
  };
}
