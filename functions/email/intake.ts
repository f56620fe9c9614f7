// The email intake: one inbound mail (raw MIME in the blob store, SES verdicts) becomes exactly one
// outcome, in DESIGN.md's order: 1 redelivery, 2 verdicts, 3 automatic mail, 4 threading, 5 sender,
// 6 body and attachments. Each outcome is committed in one transaction together with the two
// redelivery markers (RFC Message-ID, SES message id), so a crash before the commit leaves nothing
// and a redelivery after it changes nothing. Released quarantine runs steps 3-6 on the kept raw.
// Mail from a registered staff address is an agent working a ticket: it is taken only as a reply to
// one of our mails about a ticket (the thread token), as an agent reply or, with `#note`, an internal
// note; anything else from a staff address gets one answer saying so, and never opens a ticket.
import { createHash } from 'node:crypto';
import type { AppContext } from '../app/context.ts';
import { outboxOpFor } from '../app/ticket-mail.ts';
import { openTicketFor, replyToTicket, type TicketRecord } from '../app/tickets.ts';
import { NotFoundError, RejectedError } from '../domain/errors.ts';
import type { MailSettings } from '../mail/settings.ts';
import { oversizedReply, refusedReply, staffUnmatchedReply, unknownSenderReply } from '../mail/templates.ts';
import { subjectReferences, threadedTicketIds } from '../mail/threading.ts';
import type { BlobStore } from '../ports/blobs.ts';
import { log } from '../shared/log.ts';
import { type ContactRecord, findContactsByEmail } from '../store/accounts.ts';
import { type ApiKeyRecord, staffByAddress } from '../store/api-keys.ts';
import {
  autoReplyClaimed,
  autoReplyClaimOp,
  findProcessedMail,
  getQuarantine,
  type InboundMailRecord,
  type MailOutcome,
  processedMailOps,
  quarantineOp,
  releaseQuarantineOp,
  type Verdicts,
} from '../store/inbound-mail.ts';
import { messageOp } from '../store/messages.ts';
import { getTicket, getTicketByReference } from '../store/tickets.ts';
import { ConcurrentChangeError, commit, type WriteOp } from '../store/transact.ts';
import {
  type AttachmentLimits,
  attachmentOps,
  type StoredAttachments,
  storeAttachments,
} from './attachments.ts';
import { MAX_BODY_CHARS, mailBody } from './body.ts';
import { classifyMail, suppressesAutoReplies } from './classify.ts';
import { type ParsedMail, parseHeaders, parseMail } from './parse.ts';
import type { ReportKind } from './reports.ts';

export interface IntakeLimits extends AttachmentLimits {
  /** Larger messages are not parsed: one polite reply, raw kept for inspection. */
  maxMessageBytes: number;
  /** One answer to an unknown sender per this many seconds. */
  unknownSenderPeriodS: number;
}

export const DEFAULT_LIMITS: IntakeLimits = {
  maxMessageBytes: 25 * 1024 * 1024,
  maxAttachmentBytes: 10 * 1024 * 1024,
  maxAttachments: 20,
  maxAttachmentTotalBytes: 25 * 1024 * 1024,
  unknownSenderPeriodS: 24 * 60 * 60,
};

export interface IntakeDeps {
  context: () => AppContext;
  /** Where raw messages are (SES's S3 action) and where attachments go. */
  blobs: BlobStore;
  settings: MailSettings;
  limits?: Partial<IntakeLimits>;
}

/** One received mail as SES (or the local SMTP server) hands it over. */
export interface Receipt {
  sesMessageId: string;
  /** Blob key of the raw message. */
  rawKey: string;
  receivedAt: string;
  /** SMTP MAIL FROM ('' for bounces). */
  envelopeFrom: string;
  verdicts: Verdicts;
}

export interface IntakeResult {
  outcome: MailOutcome | 'duplicate';
  sesMessageId: string;
  messageId?: string;
  ticketId?: string;
  /** Why it ended so, for automatic mail and quarantine (a code, never content). */
  reason?: string;
}

/** Thrown by a guard when the mail was processed meanwhile (a concurrent or earlier delivery). */
class AlreadyProcessed extends Error {
  constructor() {
    super('mail already processed');
    this.name = 'AlreadyProcessed';
  }
}

/**
 * The writes that make an outcome final: the redelivery markers for fresh mail, the release of the
 * quarantine entry for released mail. Built right before each commit attempt from a consistent read,
 * so a retry after a lost race sees the winner and stops.
 */
type Guard = (outcome: MailOutcome, ticketId?: string) => Promise<WriteOp[]>;

function freshGuard(ctx: AppContext, receipt: Receipt, messageId: string): Guard {
  // The caller has just checked the markers: only a retry (after a lost race) needs to look again.
  let checked = true;
  return async (outcome, ticketId) => {
    if (!checked && (await findProcessedMail(ctx.store, messageId, receipt.sesMessageId))) {
      throw new AlreadyProcessed();
    }
    checked = false;
    const now = ctx.clock.now();
    const record: InboundMailRecord = {
      messageId,
      sesMessageId: receipt.sesMessageId,
      outcome,
      rawKey: receipt.rawKey,
      receivedAt: receipt.receivedAt,
      processedAt: now.toISOString(),
      ...(ticketId ? { ticketId } : {}),
    };
    return processedMailOps(ctx.store, record, now);
  };
}

function releaseGuard(ctx: AppContext, quarantineId: string, agent: string): Guard {
  return async (outcome, ticketId) => {
    const entry = await getQuarantine(ctx.store, quarantineId);
    if (entry?.status !== 'held' && entry?.status !== 'releasing') throw new AlreadyProcessed();
    return [
      releaseQuarantineOp(ctx.store, entry, {
        at: ctx.clock.now().toISOString(),
        by: agent,
        outcome,
        ...(ticketId ? { ticketId } : {}),
      }),
    ];
  };
}

/** Commits an outcome with its guard; a lost guard race means someone else finished this mail. */
async function finish(
  ctx: AppContext,
  guard: Guard,
  outcome: MailOutcome,
  ops: WriteOp[],
  ticketId?: string,
) {
  try {
    await commit(ctx.store, [...(await guard(outcome, ticketId)), ...ops]);
  } catch (error) {
    if (
      error instanceof ConcurrentChangeError &&
      (error.lost('inboundMail') || error.lost('sesMail') || error.lost('quarantine'))
    ) {
      throw new AlreadyProcessed();
    }
    throw error;
  }
}

/** A ticket id derived from the delivery: a retry after a crash opens the same ticket, not a second. */
function ticketIdFor(receipt: Receipt, messageId: string): string {
  const hex = createHash('sha256').update(`${receipt.sesMessageId}\n${messageId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function failedVerdicts(verdicts: Verdicts): string[] {
  const reasons: string[] = [];
  if (verdicts.spam === 'FAIL') reasons.push('spam');
  for (const check of ['spf', 'dkim', 'dmarc'] as const) if (verdicts[check] === 'FAIL') reasons.push(check);
  return reasons;
}

export function createIntake(deps: IntakeDeps) {
  const limits: IntakeLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const settings = deps.settings;

  async function readRaw(key: string): Promise<Uint8Array> {
    const raw = await deps.blobs.get(key);
    // SES writes the object before invoking us: a missing one is a fault to retry, not a mail to skip.
    if (!raw) throw new Error(`raw message ${key} not found`);
    return raw;
  }

  /** Step 1 and 2, then the rest: what happens to a newly received mail. */
  async function receive(receipt: Receipt): Promise<IntakeResult> {
    const ctx = deps.context();
    const base = { sesMessageId: receipt.sesMessageId };
    // 1. Redelivery by SES id: answered before the raw message is even read.
    const known = await findProcessedMail(ctx.store, undefined, receipt.sesMessageId);
    if (known) return { ...base, outcome: 'duplicate', messageId: known.messageId };
    const raw = await readRaw(receipt.rawKey);
    const oversized = raw.byteLength > limits.maxMessageBytes;
    const mail = oversized ? await parseHeaders(raw) : await parseMail(raw);
    const result = { ...base, messageId: mail.messageId };
    if (await findProcessedMail(ctx.store, mail.messageId, receipt.sesMessageId)) {
      return { ...result, outcome: 'duplicate' };
    }
    const guard = freshGuard(ctx, receipt, mail.messageId);
    try {
      // 2. Verdicts.
      if (receipt.verdicts.virus === 'FAIL') {
        await finish(ctx, guard, 'dropped', []);
        log('warn', 'mail dropped: virus', { sesMessageId: receipt.sesMessageId, rawKey: receipt.rawKey });
        return { ...result, outcome: 'dropped', reason: 'virus' };
      }
      const failed = failedVerdicts(receipt.verdicts);
      if (failed.length > 0) {
        const id = ctx.newId();
        await finish(ctx, guard, 'quarantined', [
          quarantineOp(ctx.store, {
            id,
            status: 'held',
            reasons: failed,
            verdicts: receipt.verdicts,
            messageId: mail.messageId,
            sesMessageId: receipt.sesMessageId,
            rawKey: receipt.rawKey,
            from: mail.from?.address ?? '',
            subject: mail.subject.slice(0, 500),
            receivedAt: receipt.receivedAt,
            version: 1,
          }),
        ]);
        log('info', 'mail quarantined', {
          sesMessageId: receipt.sesMessageId,
          quarantineId: id,
          reasons: failed,
        });
        return { ...result, outcome: 'quarantined', reason: failed.join(',') };
      }
      return { ...result, ...(await decide(ctx, receipt, mail, oversized, guard)) };
    } catch (error) {
      if (error instanceof AlreadyProcessed) return { ...result, outcome: 'duplicate' };
      throw error;
    }
  }

  /** A held mail an agent released (held or releasing): steps 3-6 on the kept raw message, once. */
  async function release(quarantineId: string, agent: string): Promise<IntakeResult> {
    const ctx = deps.context();
    const entry = await getQuarantine(ctx.store, quarantineId);
    if (!entry) throw new NotFoundError(`quarantined mail ${quarantineId}`);
    const base = { sesMessageId: entry.sesMessageId, messageId: entry.messageId };
    if (entry.status === 'released') {
      return {
        ...base,
        outcome: entry.outcome ?? 'duplicate',
        ...(entry.ticketId ? { ticketId: entry.ticketId } : {}),
      };
    }
    const receipt: Receipt = {
      sesMessageId: entry.sesMessageId,
      rawKey: entry.rawKey,
      receivedAt: entry.receivedAt,
      envelopeFrom: entry.from,
      verdicts: entry.verdicts,
    };
    const raw = await readRaw(entry.rawKey);
    const oversized = raw.byteLength > limits.maxMessageBytes;
    const mail = oversized ? await parseHeaders(raw) : await parseMail(raw);
    try {
      return {
        ...base,
        ...(await decide(ctx, receipt, mail, oversized, releaseGuard(ctx, quarantineId, agent))),
      };
    } catch (error) {
      if (error instanceof AlreadyProcessed) {
        const now = await getQuarantine(ctx.store, quarantineId);
        return {
          ...base,
          outcome: now?.outcome ?? 'duplicate',
          ...(now?.ticketId ? { ticketId: now.ticketId } : {}),
        };
      }
      throw error;
    }
  }

  /** Steps 3 to 6. */
  async function decide(
    ctx: AppContext,
    receipt: Receipt,
    mail: ParsedMail,
    oversized: boolean,
    guard: Guard,
  ): Promise<Omit<IntakeResult, 'sesMessageId' | 'messageId'>> {
    // 3. Automatic mail: never a ticket, never an answer, never a reopen; a report about our mail
    // (bounce, complaint, read receipt) is noted on its ticket.
    const kind = classifyMail(mail, settings, receipt.envelopeFrom);
    if (kind.kind === 'report') {
      const ops: WriteOp[] = [];
      for (const ticketId of kind.ticketIds.slice(0, 5)) {
        const ticket = await getTicket(ctx.store, ticketId);
        if (!ticket) continue;
        const at = ctx.clock.now().toISOString();
        ops.push(
          messageOp(ctx.store, {
            id: ctx.newId(),
            ticketId,
            accountId: ticket.accountId,
            author: { type: 'system' },
            visibility: 'internal',
            automatic: true,
            channel: 'email',
            body: reportNote(kind.report, kind.detail),
            createdAt: at,
            messageId: mail.messageId,
          }),
        );
      }
      // A delivery report is a bounce; complaints and read receipts are automatic mail.
      const outcome = kind.report === 'delivery' ? 'bounce' : 'automatic';
      const ticketId = ops.length > 0 ? kind.ticketIds[0] : undefined;
      await finish(ctx, guard, outcome, ops, ticketId);
      log('info', 'report recorded', {
        sesMessageId: receipt.sesMessageId,
        report: kind.report,
        tickets: ops.length,
        detail: kind.detail,
      });
      return {
        outcome,
        ...(outcome === 'automatic' ? { reason: kind.report } : {}),
        ...(ticketId ? { ticketId } : {}),
      };
    }
    if (kind.kind === 'automatic') {
      await finish(ctx, guard, 'automatic', []);
      log('info', 'automatic mail ignored', { sesMessageId: receipt.sesMessageId, reason: kind.reason });
      return { outcome: 'automatic', reason: kind.reason };
    }

    const sender = mail.from?.address;
    // 4-5 for staff: an agent answering one of our mails about a ticket.
    const staff = sender ? await staffByAddress(ctx.store, sender) : undefined;
    if (sender && staff) return staffMail(ctx, mail, sender, staff, oversized, guard);
    const contacts = sender ? await findContactsByEmail(ctx.store, sender) : [];
    const accounts = new Set(contacts.map((c) => c.accountId));

    // 4. Threading: our token, then the reference in the subject; only on the sender's own account.
    const threaded = await threadedTicket(ctx, mail, accounts);

    // 5. Sender: unknown senders get one polite answer a day, and nothing else.
    if (!sender || contacts.length === 0) return unknownSender(ctx, mail, sender, guard);

    // 6. Body and attachments (an oversized mail gets one polite answer instead).
    if (oversized) {
      const ops = suppressesAutoReplies(mail)
        ? []
        : [answerOp(ctx, (id) => oversizedReply(sender, mail, id, settings, limits.maxMessageBytes))];
      await finish(ctx, guard, 'oversized', ops, threaded?.id);
      log('warn', 'oversized mail kept for inspection', {
        sesMessageId: receipt.sesMessageId,
        rawKey: receipt.rawKey,
      });
      return { outcome: 'oversized', reason: 'size' };
    }
    const author = {
      type: 'customer' as const,
      email: sender,
      ...(mail.from?.name ? { name: mail.from.name.slice(0, 200) } : {}),
    };
    if (threaded) {
      const { text, stored } = await content(ctx, mail, threaded.id);
      const replied = await replyToTicket(ctx, undefined, threaded.id, {
        body: text,
        visibility: 'public',
        author,
        channel: 'email',
        messageId: mail.messageId,
        extraOps: async (ticket) => [
          ...attachmentOps(ctx, stored, ticket),
          ...(await guard('reply', ticket.id)),
        ],
      });
      return { outcome: 'reply', ticketId: replied.continuedOn?.id ?? threaded.id };
    }
    const contact = pickContact(contacts);
    const ticketId = ticketIdFor(receipt, mail.messageId);
    const { text, stored } = await content(ctx, mail, ticketId);
    try {
      const opened = await openTicketFor(ctx, {
        id: ticketId,
        accountId: contact.accountId,
        subject: (mail.subject || '(no subject)').slice(0, 300),
        body: text,
        channel: 'email',
        author,
        messageId: mail.messageId,
        extraOps: async (ticket) => [
          ...attachmentOps(ctx, stored, ticket),
          ...(await guard('ticket', ticket.id)),
        ],
      });
      return { outcome: 'ticket', ticketId: opened.replayed ? ticketId : opened.ticket.id };
    } catch (error) {
      if (!(error instanceof RejectedError)) throw error;
      // The plan refused it (e.g. prepaid hours used up): say why, once, and open nothing.
      await finish(ctx, guard, 'refused', [
        answerOp(ctx, (id) => refusedReply(sender, mail, id, settings, error.reason)),
      ]);
      return { outcome: 'refused', reason: 'plan' };
    }
  }

  /**
   * A staff member's mail: on the ticket the thread token names (In-Reply-To, References; never the
   * subject, which anyone can write), as their agent reply to the customer or, when the first line
   * is `#note`, an internal note. Anything else is answered once and goes nowhere.
   */
  async function staffMail(
    ctx: AppContext,
    mail: ParsedMail,
    sender: string,
    staff: ApiKeyRecord,
    oversized: boolean,
    guard: Guard,
  ): Promise<Omit<IntakeResult, 'sesMessageId' | 'messageId'>> {
    let ticket: TicketRecord | undefined;
    for (const ticketId of threadedTicketIds(mail, settings).slice(0, 5)) {
      ticket = await getTicket(ctx.store, ticketId);
      if (ticket) break;
    }
    const { text } = oversized ? { text: '' } : await mailBody(mail);
    const note = /^\s*#note\b[ \t]*/i.exec(text);
    const body = (note ? text.slice(note[0].length) : text).replace(/^\s*\n/, '').trim();
    if (!ticket || oversized || body === '') {
      const ops = suppressesAutoReplies(mail)
        ? []
        : [answerOp(ctx, (id) => staffUnmatchedReply(sender, mail, id, settings))];
      const reason = !ticket ? 'no-thread' : oversized ? 'size' : 'empty';
      await finish(ctx, guard, 'staffUnmatched', ops);
      log('info', 'staff mail matched no ticket', { keyId: staff.keyId, reason });
      return { outcome: 'staffUnmatched', reason };
    }
    const { stored } = await content(ctx, mail, ticket.id);
    const replied = await replyToTicket(ctx, undefined, ticket.id, {
      body: body.slice(0, MAX_BODY_CHARS),
      visibility: note ? 'internal' : 'public',
      author: { type: 'agent', keyId: staff.keyId, email: sender },
      channel: 'email',
      messageId: mail.messageId,
      extraOps: async (current) => [
        ...attachmentOps(ctx, stored, current),
        ...(await guard(note ? 'note' : 'agentReply', current.id)),
      ],
    });
    return { outcome: note ? 'note' : 'agentReply', ticketId: replied.ticket.id };
  }

  async function threadedTicket(
    ctx: AppContext,
    mail: ParsedMail,
    accounts: Set<string>,
  ): Promise<TicketRecord | undefined> {
    for (const ticketId of threadedTicketIds(mail, settings).slice(0, 5)) {
      const stored = await getTicket(ctx.store, ticketId);
      if (stored && accounts.has(stored.accountId)) return stored;
    }
    for (const reference of subjectReferences(mail.subject).slice(0, 3)) {
      const stored = await getTicketByReference(ctx.store, reference);
      if (stored && accounts.has(stored.accountId)) return stored;
    }
    return undefined;
  }

  async function unknownSender(
    ctx: AppContext,
    mail: ParsedMail,
    sender: string | undefined,
    guard: Guard,
  ): Promise<Omit<IntakeResult, 'sesMessageId' | 'messageId'>> {
    const now = ctx.clock.now();
    const answer =
      sender !== undefined &&
      !suppressesAutoReplies(mail) &&
      !(await autoReplyClaimed(ctx.store, 'unknownSender', sender, now));
    if (answer) {
      try {
        await finish(ctx, guard, 'unknownSender', [
          autoReplyClaimOp(ctx.store, 'unknownSender', sender, now, limits.unknownSenderPeriodS),
          answerOp(ctx, (id) => unknownSenderReply(sender, mail, id, settings)),
        ]);
        return { outcome: 'unknownSender', reason: 'answered' };
      } catch (error) {
        // Another mail from the same address got the day's answer first.
        if (!(error instanceof ConcurrentChangeError && error.lost('autoReply'))) throw error;
      }
    }
    await finish(ctx, guard, 'unknownSender', []);
    return { outcome: 'unknownSender', reason: 'not-answered' };
  }

  /** The message text (with attachment notes) and the attachments, stored under the ticket. */
  async function content(ctx: AppContext, mail: ParsedMail, ticketId: string) {
    const body = await mailBody(mail);
    const stored: StoredAttachments = await storeAttachments(
      ctx,
      deps.blobs,
      mail.attachments,
      { ticketId, messageId: mail.messageId },
      limits,
    );
    const notes = [
      ...(body.truncated ? ['The message was longer than we store; the full message is kept.'] : []),
      ...(mail.damaged
        ? ['The message was malformed; its text was recovered from the raw message, which is kept.']
        : []),
      ...stored.notes,
    ];
    const main = body.text || '(no text)';
    const text = notes.length > 0 ? `${main}\n\n${notes.map((n) => `[${n}]`).join('\n')}` : main;
    return { text: text.slice(0, MAX_BODY_CHARS + 4_000), stored };
  }

  function answerOp(
    ctx: AppContext,
    compose: (id: string) => ReturnType<typeof unknownSenderReply>,
  ): WriteOp {
    const id = ctx.newId();
    return outboxOpFor(ctx, compose(id), id);
  }

  return { receive, release, limits };
}

/** The internal note a report about our mail leaves on its ticket (a code from the report, no content). */
function reportNote(report: ReportKind, detail: string | undefined): string {
  const code = detail?.replace(/[^\w.-]/g, '').slice(0, 40);
  if (report === 'delivery') {
    return `Mail about this ticket could not be delivered${code ? ` (status ${code})` : ''}. Check the contact's address.`;
  }
  if (report === 'complaint') {
    return `The recipient's mail provider reported mail about this ticket as unwanted${code ? ` (feedback type ${code})` : ''}. Check with the contact before mailing again.`;
  }
  return `The contact's mail client sent a read receipt for mail about this ticket${code ? ` (${code})` : ''}.`;
}

/** A sender registered on several accounts opens tickets on the one registered first. */
function pickContact(contacts: readonly ContactRecord[]): ContactRecord {
  return [...contacts].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.accountId.localeCompare(b.accountId),
  )[0]!;
}

export type Intake = ReturnType<typeof createIntake>;
