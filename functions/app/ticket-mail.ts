// Mail of a ticket change, as outbox writes in the change's own transaction: the pure mail policy
// (functions/mail/ticket-mail.ts) decides and composes; this reads the thread it continues when it
// needs one, and turns each composed mail into an outbox item the sender delivers.
import type { ComposedMail } from '../mail/templates.ts';
import {
  type DraftMail,
  mailsAgents,
  needsThread,
  type TicketChange,
  ticketMail,
} from '../mail/ticket-mail.ts';
import type { OutboundMail } from '../ports/mail.ts';
import { correlationId } from '../shared/correlation.ts';
import { activeStaffKey } from '../store/api-keys.ts';
import { recentMessageIds } from '../store/messages.ts';
import { outboxOp } from '../store/outbox.ts';
import type { WriteOp } from '../store/transact.ts';
import type { AppContext } from './context.ts';

/** How many earlier Message-IDs of a ticket a mail's References carries. */
const THREAD_DEPTH = 20;

/**
 * The header that names the request (or invocation) a mail was composed in: its logs and trace.
 * @internal the tests read it
 */
export const CORRELATION_HEADER = 'X-Support-Desk-Request';

function withCorrelation(mail: OutboundMail): OutboundMail {
  const id = correlationId();
  return id === undefined ? mail : { ...mail, headers: { ...mail.headers, [CORRELATION_HEADER]: id } };
}

/** The outbox write of a composed mail. */
export function outboxOpFor(ctx: AppContext, composed: ComposedMail, id: string): WriteOp {
  return outboxOp(ctx.store, {
    id,
    kind: composed.kind,
    messageId: composed.messageId,
    automatic: composed.automatic,
    mail: withCorrelation(composed.mail),
    status: 'pending',
    attempts: 0,
    createdAt: ctx.clock.now().toISOString(),
    ...(composed.ticketId ? { ticketId: composed.ticketId } : {}),
  });
}

/**
 * Where agent mail about a ticket goes: the assignee's staff address while their key is active and
 * has one, else the agents' addresses (SLA_ALERTS_TO).
 */
async function agentsOf(ctx: AppContext, assignee: string | undefined): Promise<string[]> {
  const staff = assignee === undefined ? undefined : await activeStaffKey(ctx.store, assignee);
  return staff?.email ? [staff.email] : ctx.settings.alerts.agents;
}

/** The mail `change` sends, composed (thread read first if it continues one). */
export async function composeTicketMail(ctx: AppContext, change: TicketChange): Promise<DraftMail[]> {
  const thread = needsThread(change) ? await recentMessageIds(ctx.store, change.ticket.id, THREAD_DEPTH) : [];
  const agents = mailsAgents(change) ? await agentsOf(ctx, change.ticket.assignee) : [];
  return ticketMail(change, {
    settings: ctx.settings.mail,
    alerts: { agents },
    thread,
    newId: ctx.newId,
  });
}

export function mailOps(ctx: AppContext, drafts: readonly DraftMail[]): WriteOp[] {
  return drafts.map(({ id, composed }) => outboxOpFor(ctx, composed, id));
}
