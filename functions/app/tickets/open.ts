// Opening a ticket under the account's plan: load the account, its counters and catalog; decide
// (entitlement admission, then the domain's new ticket); compose its acknowledgement; commit the
// ticket with its reference counter, counters, ledger entries, first message, mail and idempotency
// record as one transaction. A lost race re-reads and decides again.
import type { Catalog } from '../../domain/catalog.ts';
import { admitRequest, type Metered, meteringFor } from '../../domain/entitlements.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { Plan } from '../../domain/plan.ts';
import { queueSla } from '../../domain/queue.ts';
import {
  classifyOpening,
  type Opener,
  openTicket,
  type TicketEvent,
  type TicketKind,
} from '../../domain/ticket.ts';
import { type AcknowledgementFacts, promisesOf } from '../../mail/customer-text.ts';
import { getAccountState } from '../../store/accounts.ts';
import { requireCatalog } from '../../store/catalogs.ts';
import {
  findIdempotentResponse,
  type IdempotencyRecord,
  idempotencyOp,
  type StoredResponse,
} from '../../store/idempotency.ts';
import { ledgerRef } from '../../store/ledger.ts';
import { type MessageRecord, messageOp } from '../../store/messages.ts';
import type { TicketRecord } from '../../store/tickets.ts';
import { createTicketOps, serializedPerAccount } from '../../store/tickets.ts';
import { ConcurrentChangeError, commit, type WriteOp, withRetries } from '../../store/transact.ts';
import type { AppContext } from '../context.ts';
import { composeTicketMail, mailOps } from '../ticket-mail.ts';
import { countCommitted } from '../ticket-metrics.ts';
import { ledgerOps, poolOps, poolUsages, ticketContextOf, withNextDue } from './record.ts';

export interface Idempotency {
  scope: string;
  key: string;
  hash: string;
  /** The response to store, built from the result (same bytes on every replay). */
  respond(ticket: TicketRecord, catalog: Catalog): StoredResponse;
}

export interface OpenTicketInput {
  accountId: string;
  subject: string;
  body: string;
  severity?: string;
  kind?: TicketKind;
  channel: 'api' | 'email';
  author: MessageRecord['author'];
  /** RFC Message-ID of the mail that opened it. */
  messageId?: string;
  relatedTicketId?: string;
  idempotency?: Idempotency;
  /** The new ticket's id, when the caller needs it before the commit (email attachments). */
  id?: string;
  /** Extra writes in the same transaction, built from the new ticket (the email intake's markers). */
  extraOps?: (ticket: TicketRecord) => Promise<WriteOp[]>;
  /** When the request's work must have started (epoch ms): later, it is not started (UnavailableError). */
  deadline?: number;
}

export type Opened =
  | {
      replayed: false;
      ticket: TicketRecord;
      events: TicketEvent[];
      metered: Metered;
      catalog: Catalog;
      /** The response recorded for the Idempotency-Key: answer with exactly it. */
      recorded?: StoredResponse;
    }
  | { replayed: true; response: StoredResponse };

/** What the acknowledgement tells the customer: the plan's promises and what the request used. */
function acknowledgementFacts(
  ticket: TicketRecord,
  catalog: Catalog,
  plan: Plan,
  metered: Metered,
): AcknowledgementFacts {
  const severityOf = (id: string) => ({ id, name: plan.severities.find((s) => s.id === id)?.name ?? id });
  return {
    severity: severityOf(ticket.severity),
    ...(ticket.declared.severity === ticket.severity
      ? {}
      : { declaredSeverity: severityOf(ticket.declared.severity) }),
    promises: promisesOf(ticket.sla, catalog.calendars),
    notes: metered.notes,
    ...(plan.customerText ? { wording: plan.customerText } : {}),
    // Deferrals count from the start of a day in the billing zone.
    timeZone: catalog.billingTimeZone,
  };
}

/** Staff opening a ticket for a customer assess it as they open it; anyone else declares. */
function openerOf(author: MessageRecord['author']): Opener {
  return author.type === 'agent' && author.keyId
    ? { role: 'staff', keyId: author.keyId }
    : { role: 'customer' };
}

/**
 * Opens a ticket under the account's plan: entitlement admission (consume, defer past a daily cap,
 * overage, refusal), SLA clocks, the next reference, the first message, ledger entries, the
 * acknowledgement and the idempotency record, all in one transaction. Two round trips when the
 * catalog is cached.
 */
export function openTicketFor(ctx: AppContext, input: OpenTicketInput): Promise<Opened> {
  return serializedPerAccount(
    ctx.store,
    input.accountId,
    () =>
      withRetries(async (): Promise<Opened> => {
        // Load.
        const state = await getAccountState(ctx.store, input.accountId);
        if (!state) throw new NotFoundError(`account ${input.accountId}`);
        const { catalog } = await requireCatalog(ctx.store, state.account.catalogId);
        const now = ctx.clock.now();
        const metering = meteringFor(catalog, state.account.id, state.account.contract, now);
        const plan = metering.plan;
        const id = input.id ?? ctx.newId();
        const context = ticketContextOf(catalog, plan);
        const declared = {
          ...(input.severity ? { severity: input.severity } : {}),
          ...(input.kind ? { kind: input.kind } : {}),
        };
        // Decide: a customer's ticket is metered as a request until staff assess it (throws
        // ValidationError on an unknown severity); admission first (it may defer or exempt the clocks).
        const opener = openerOf(input.author);
        const { kind, severity } = classifyOpening(context.plan, declared, opener, now);
        const metered = admitRequest(metering, poolUsages(state), { id, kind, severity }, now);
        const number = state.ticketSeq + 1;
        const opened = openTicket(
          {
            type: 'open',
            id,
            reference: `${state.account.referencePrefix}-${number}`,
            accountId: state.account.id,
            subject: input.subject,
            ...declared,
            openedBy: opener,
            ...(metered.startAt ? { startAt: metered.startAt } : {}),
            slaExempt: metered.slaExempt,
          },
          now,
          context,
        );
        const ticket = withNextDue({
          ...opened.ticket,
          number,
          catalogId: catalog.id,
          planId: plan.id,
          ledgerRefs: metered.entries.map(ledgerRef),
          workByConversation: {},
          channel: input.channel,
          entitlement: { decision: metered.decision, reason: metered.reason, notes: metered.notes },
          ...(input.author.type === 'customer' && input.author.email
            ? { contactEmail: input.author.email }
            : {}),
          ...(input.relatedTicketId ? { relatedTicketId: input.relatedTicketId } : {}),
        });
        const message: MessageRecord = {
          id: ctx.newId(),
          ticketId: id,
          accountId: ticket.accountId,
          author: input.author,
          visibility: 'public',
          automatic: false,
          channel: input.channel,
          body: input.body,
          createdAt: now.toISOString(),
          ...(input.messageId ? { messageId: input.messageId } : {}),
        };
        // Compose.
        const mail = await composeTicketMail(ctx, {
          ticket,
          events: opened.events,
          policy: plan.sla,
          acknowledgement: acknowledgementFacts(ticket, catalog, plan, metered),
          message,
          queue: queueSla(ticket.sla, catalog.calendars, now),
          ...(input.messageId ? { inboundMessageId: input.messageId } : {}),
        });
        // Commit.
        const ops: WriteOp[] = [
          ...createTicketOps(ctx.store, ticket, state.ticketSeq),
          ...poolOps(ctx, state.account.id, state.pools, metered.usage),
          ...ledgerOps(ctx, metered.entries),
          messageOp(ctx.store, message),
          ...mailOps(ctx, mail),
          ...(input.extraOps ? await input.extraOps(ticket) : []),
        ];
        const idem = input.idempotency;
        const recorded = idem?.respond(ticket, catalog);
        if (idem && recorded) {
          const record: IdempotencyRecord = {
            requestHash: idem.hash,
            response: recorded,
            createdAt: now.toISOString(),
          };
          ops.push(idempotencyOp(ctx.store, idem.scope, idem.key, record, now));
        }
        try {
          await commit(ctx.store, ops);
        } catch (error) {
          if (idem && error instanceof ConcurrentChangeError && error.lost('idempotency')) {
            const response = await findIdempotentResponse(ctx.store, idem.scope, idem.key, idem.hash);
            if (response) return { replayed: true, response };
          }
          throw error;
        }
        countCommitted(opened.events, metered.entries.length);
        return {
          replayed: false,
          ticket,
          events: opened.events,
          metered,
          catalog,
          ...(recorded ? { recorded } : {}),
        };
      }),
    input.deadline,
  );
}
