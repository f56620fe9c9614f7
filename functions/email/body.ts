// The text a mail adds to a ticket: text/plain when the sender gave one, else the HTML converted to
// text; then the quoted earlier conversation stripped: first what quotes.ts recognises in a dozen
// languages (attribution lines, Outlook's separators and "From: / Sent: / To: / Subject:" blocks),
// then `>` quotes and signatures ("Sent from my iPhone") with email-reply-parser. The raw message is
// kept in the blob store, so nothing stripped here is lost.
import EmailReplyParser from 'email-reply-parser';
import { htmlToText } from './html-text.ts';
import { cutQuotedHistory } from './quotes.ts';

/** Text past this size is not run through the reply parser (its regexes are not linear on every input). */
const STRIP_LIMIT = 200_000;
/** The longest message body a ticket stores (the API accepts the same). */
export const MAX_BODY_CHARS = 100_000;

function normalise(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+$/gm, '')
    .trim();
}

/** What the sender wrote in this message, without the quoted history. Empty stays empty. */
export function visibleReply(text: string): string {
  const clean = normalise(text);
  if (clean === '' || clean.length > STRIP_LIMIT) return clean;
  const visible = normalise(new EmailReplyParser().read(cutQuotedHistory(clean)).getVisibleText());
  // A message that is all quote (a bare forward) keeps its text rather than becoming empty.
  return visible === '' ? clean : visible;
}

export interface MailBody {
  text: string;
  source: 'text' | 'html' | 'none';
  truncated: boolean;
}

export async function mailBody(mail: { text?: string; html?: string }): Promise<MailBody> {
  const source = mail.text ? 'text' : mail.html ? 'html' : 'none';
  const full = mail.text ?? (mail.html ? htmlToText(mail.html) : '');
  const visible = visibleReply(full);
  const truncated = visible.length > MAX_BODY_CHARS;
  return { text: truncated ? visible.slice(0, MAX_BODY_CHARS) : visible, source, truncated };
}
