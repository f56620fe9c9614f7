// Which ticket a mail belongs to. Our outbound Message-IDs carry a token naming the ticket
// (`<desk.<ticketId>.<unique>@<mail domain>>`), so a reply's In-Reply-To or References leads back to
// it whatever the subject says; failing that, a `[REF-12]` reference in the subject. Pure: the
// intake looks the candidates up and checks the sender belongs to the ticket's account.
import type { MailSettings } from './settings.ts';

const TOKEN = /^desk\.([A-Za-z0-9-]{1,64})\.([A-Za-z0-9_-]{1,64})@(.+)$/;

/** Our Message-ID (without brackets) for one outbound mail about a ticket. */
export function outboundMessageId(
  ticketId: string | undefined,
  unique: string,
  settings: Pick<MailSettings, 'mailDomain'>,
): string {
  return `desk.${ticketId ?? 'none'}.${unique}@${settings.mailDomain}`;
}

/** The ticket id our token names, if `messageId` is one of ours. */
export function ticketIdFromMessageId(
  messageId: string,
  settings: Pick<MailSettings, 'mailDomain'>,
): string | undefined {
  const match = TOKEN.exec(messageId.replace(/^<|>$/g, ''));
  if (!match || match[3]!.toLowerCase() !== settings.mailDomain) return undefined;
  return match[1] === 'none' ? undefined : match[1];
}

/** Tickets our tokens name, most specific first: In-Reply-To, then References newest to oldest. */
export function threadedTicketIds(
  mail: { inReplyTo: readonly string[]; references: readonly string[] },
  settings: Pick<MailSettings, 'mailDomain'>,
): string[] {
  const ids = [...mail.inReplyTo, ...[...mail.references].reverse()];
  const tickets: string[] = [];
  for (const id of ids) {
    const ticketId = ticketIdFromMessageId(id, settings);
    if (ticketId && !tickets.includes(ticketId)) tickets.push(ticketId);
  }
  return tickets;
}

/** Ticket references in brackets in a subject (`Re: [b2b-12] …` gives `B2B-12`), in order. */
export function subjectReferences(subject: string): string[] {
  return [
    ...new Set(
      [...subject.matchAll(/\[\s*([A-Za-z][A-Za-z0-9]{0,19}-\d{1,9})\s*\]/g)].map((m) => m[1]!.toUpperCase()),
    ),
  ];
}

/** The subject a ticket's mail carries: its reference in brackets, once. */
export function subjectWithReference(reference: string, subject: string): string {
  const bare = subject.replace(/^\s*((re|aw|sv|fw|fwd|wg|tr|rif|antw)\s*:\s*)+/i, '').trim();
  const tag = `[${reference}]`;
  const without = bare
    .replace(new RegExp(`\\[\\s*${reference}\\s*\\]`, 'i'), '')
    .replace(/\s+/g, ' ')
    .trim();
  return `${tag} ${without || '(no subject)'}`;
}
