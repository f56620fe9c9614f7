// Machine-written reports about a message: delivery status notifications (RFC 3464), complaint and
// feedback reports (ARF, RFC 5965) and read receipts (MDN, RFC 8098). Each is found by its
// multipart/report type, or by its machine-readable part or fields wherever the sender put them
// (ARF inside multipart/mixed, MDN fields in a text part), and names the message it reports on
// through that message's headers, which for our mail carry our thread token. Pure.
import { header, idsIn, type ParsedMail } from './parse.ts';

export type ReportKind = 'delivery' | 'complaint' | 'read-receipt';

export interface Report {
  kind: ReportKind;
  /** Message-IDs of the reported message (its Message-ID, References, In-Reply-To). */
  originalIds: string[];
  /** DSN status (`5.1.1`), ARF feedback type (`abuse`) or MDN disposition (`displayed`). */
  detail?: string;
}

type Mail = Pick<ParsedMail, 'headers' | 'attachments' | 'text'>;

/** The part types that carry the reported message, whole or its headers only. */
const ORIGINAL_PARTS =
  /^(message\/rfc822|text\/rfc822-headers|message\/rfc822-headers|message\/global(-headers)?)$/;
const REPORT_PARTS: Record<string, ReportKind> = {
  'message/delivery-status': 'delivery',
  'message/global-delivery-status': 'delivery',
  'message/feedback-report': 'complaint',
  'message/disposition-notification': 'read-receipt',
  'message/global-disposition-notification': 'read-receipt',
};
const REPORT_TYPES: Record<string, ReportKind> = {
  'delivery-status': 'delivery',
  'global-delivery-status': 'delivery',
  'feedback-report': 'complaint',
  'disposition-notification': 'read-receipt',
  'global-disposition-notification': 'read-receipt',
};

/** Reports are small; a part's first 64 KB hold every field we read. */
function partText(content: Uint8Array): string {
  return Buffer.from(content.subarray(0, 64 * 1024)).toString('utf8');
}

/** A header field of a header block (folded lines joined), or undefined. */
function field(block: string, name: string): string | undefined {
  const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(block);
  return match?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** ARF fields (RFC 5965 3.1): a feedback type and the version, in one block. */
function isFeedbackFields(text: string): boolean {
  return /^feedback-type:[ \t]*[\w-]+/im.test(text) && /^version:[ \t]*1\b/im.test(text);
}

/** MDN fields (RFC 8098 3.2): a disposition with its mode, and what it is about. */
function isDispositionFields(text: string): boolean {
  return (
    /^disposition:[ \t]*(manual|automatic)-action\s*\/\s*(mdn-sent|mdn-)?[\w-]*/im.test(text) &&
    /^(original-message-id|final-recipient|reporting-ua|original-recipient):/im.test(text)
  );
}

function detailOf(kind: ReportKind, machine: string): string | undefined {
  if (kind === 'delivery') return /^status:[ \t]*([245]\.\d{1,3}\.\d{1,3})/im.exec(machine)?.[1];
  if (kind === 'complaint') return /^feedback-type:[ \t]*([\w-]{1,40})/im.exec(machine)?.[1]?.toLowerCase();
  return /^disposition:[^;\r\n]*;[ \t]*([\w-]{1,40})/im.exec(machine)?.[1]?.toLowerCase();
}

/** Message-IDs of the reported message: from the parts that carry it, and the MDN's own field. */
export function reportedMessageIds(mail: Pick<ParsedMail, 'attachments'>, machine = ''): string[] {
  const ids: string[] = [];
  const original = field(machine, 'original-message-id');
  if (original) ids.push(...idsIn(original));
  for (const part of mail.attachments) {
    if (!ORIGINAL_PARTS.test(part.mimeType)) continue;
    const head = partText(part.content).split(/\r?\n\r?\n/)[0] ?? '';
    // SES rewrites our Message-ID on the way out; the References it keeps carry our thread token.
    for (const name of ['message-id', 'references', 'in-reply-to']) ids.push(...idsIn(field(head, name)));
  }
  return [...new Set(ids)];
}

/** The report this mail is, if it is one. */
export function findReport(mail: Mail): Report | undefined {
  const type = header(mail, 'content-type').toLowerCase();
  const declared = type.startsWith('multipart/report')
    ? REPORT_TYPES[/report-type\s*=\s*"?([\w-]+)/.exec(type)?.[1] ?? '']
    : undefined;
  // The machine-readable part, wherever it is (ARF is often sent as multipart/mixed).
  let kind = declared;
  let machine = '';
  for (const part of mail.attachments) {
    const partKind = REPORT_PARTS[part.mimeType];
    if (partKind && (kind === undefined || partKind === kind)) {
      kind = partKind;
      machine = partText(part.content);
      break;
    }
  }
  // Fields written into a text part rather than a typed one.
  if (!machine) {
    const texts = [
      mail.text?.slice(0, 64 * 1024) ?? '',
      ...mail.attachments.filter((a) => a.mimeType.startsWith('text/plain')).map((a) => partText(a.content)),
    ];
    for (const text of texts) {
      const fromText: ReportKind | undefined = isFeedbackFields(text)
        ? 'complaint'
        : isDispositionFields(text)
          ? 'read-receipt'
          : undefined;
      if (fromText && (kind === undefined || fromText === kind)) {
        kind = fromText;
        machine = text;
        break;
      }
    }
  }
  if (!kind) return undefined;
  const detail = detailOf(kind, machine);
  return { kind, originalIds: reportedMessageIds(mail, machine), ...(detail ? { detail } : {}) };
}
