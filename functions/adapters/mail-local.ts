// Local mail adapter: every outbound mail becomes an RFC 5322 .eml file in `<DATA_DIR>/outbox/`,
// composed by nodemailer (the same bytes an SMTP server would receive), so demos and tests can open
// what the desk would have sent.
import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { MailSender, OutboundMail } from '../ports/mail.ts';

/** Composes the RFC 5322 message of `mail` (Message-ID and Date added by the composer). */
export async function composeMail(mail: OutboundMail, date: Date = new Date()): Promise<Buffer> {
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    headers: mail.headers,
    date,
  });
  return composer.compile().build();
}

export function localMailSender(outboxDir: string, now: () => Date = () => new Date()): MailSender {
  return {
    async send(mail) {
      await mkdir(outboxDir, { recursive: true });
      const sentAt = now();
      const bytes = await composeMail(mail, sentAt);
      // Sortable by time; written aside then renamed, so a reader never sees half a message.
      const name = `${sentAt.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`;
      const partial = join(outboxDir, `.${name}.partial`);
      await writeFile(partial, bytes);
      await rename(partial, join(outboxDir, name));
    },
  };
}
