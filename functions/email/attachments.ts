// Attachments of an inbound mail: kept in the blob store under the ticket, within limits (per file,
// count, total), each with a record under the ticket. What is not kept is said in the message text,
// so the agent knows to ask for it. Keys are derived from the mail, so a retry writes the same ones.
import { createHash } from 'node:crypto';
import type { AppContext } from '../app/context.ts';
import type { BlobStore } from '../ports/blobs.ts';
import { type AttachmentRecord, attachmentOp } from '../store/inbound-mail.ts';
import type { WriteOp } from '../store/transact.ts';
import type { MailAttachment } from './parse.ts';

export interface AttachmentLimits {
  maxAttachmentBytes: number;
  maxAttachments: number;
  maxAttachmentTotalBytes: number;
}

export interface StoredAttachments {
  records: Omit<AttachmentRecord, 'ticketId' | 'accountId'>[];
  /** Lines for the message text: what was kept and what was not. */
  notes: string[];
}

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** A file name safe in a key: letters, digits, dot, dash, underscore; at most 80 characters. */
function safeName(name: string): string {
  const cleaned = name
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '_')
    .replace(/^\.+/, '');
  return (cleaned || 'attachment').slice(-80);
}

/** Parts worth keeping: not inline images the HTML shows (logos), not empty. */
function keepable(part: MailAttachment): boolean {
  return part.content.byteLength > 0 && !(part.related && part.mimeType.startsWith('image/'));
}

export async function storeAttachments(
  ctx: AppContext,
  blobs: BlobStore,
  parts: readonly MailAttachment[],
  where: { ticketId: string; messageId: string },
  limits: AttachmentLimits,
): Promise<StoredAttachments> {
  const folder = createHash('sha256').update(where.messageId).digest('hex').slice(0, 24);
  const at = ctx.clock.now().toISOString();
  const records: StoredAttachments['records'] = [];
  const notes: string[] = [];
  let total = 0;
  let index = 0;
  for (const part of parts.filter(keepable)) {
    index += 1;
    const filename = part.filename ?? `part-${index}`;
    const bytes = part.content.byteLength;
    if (records.length >= limits.maxAttachments) {
      notes.push(`Not kept: ${filename} (more than ${limits.maxAttachments} attachments)`);
      continue;
    }
    if (bytes > limits.maxAttachmentBytes) {
      notes.push(`Not kept: ${filename} (${size(bytes)}, over the ${size(limits.maxAttachmentBytes)} limit)`);
      continue;
    }
    if (total + bytes > limits.maxAttachmentTotalBytes) {
      notes.push(`Not kept: ${filename} (attachments over ${size(limits.maxAttachmentTotalBytes)} in total)`);
      continue;
    }
    const key = `attachments/${where.ticketId}/${folder}/${index}-${safeName(filename)}`;
    // Written once: a redelivered mail finds its attachments already in place.
    await blobs.putOnce(key, part.content, part.mimeType);
    total += bytes;
    records.push({
      id: `${folder}-${index}`,
      messageId: where.messageId,
      filename,
      contentType: part.mimeType,
      size: bytes,
      key,
      at,
    });
    notes.push(`Attachment: ${filename} (${size(bytes)})`);
  }
  return { records, notes };
}

export function attachmentOps(
  ctx: AppContext,
  stored: StoredAttachments,
  ticket: { id: string; accountId: string },
): WriteOp[] {
  return stored.records.map((record) =>
    attachmentOp(ctx.store, { ...record, ticketId: ticket.id, accountId: ticket.accountId }),
  );
}
