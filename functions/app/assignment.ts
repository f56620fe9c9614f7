// Who works a ticket: assigning it (PATCH `assignee`: a staff key or nobody) and claiming it (the
// caller takes an open ticket nobody has). The rules on the ticket are the domain's (`assign`,
// `claim`); here the assignee is checked to be a staff key that may work tickets now.
import { ValidationError } from '../domain/errors.ts';
import { activeStaffKey } from '../store/api-keys.ts';
import type { AppContext, Principal } from './context.ts';
import { type Changed, changeTicket } from './tickets.ts';

/** Refuses an assignee that is not an active agent or admin key (a customer key, a revoked or unknown one). */
export async function checkAssignee(ctx: AppContext, assignee: string | null | undefined): Promise<void> {
  if (assignee === null || assignee === undefined) return;
  if (!(await activeStaffKey(ctx.store, assignee))) {
    throw ValidationError.field(
      'assignee',
      `must be the keyId of an active agent or admin key; ${assignee} is not`,
    );
  }
}

/** The caller takes the ticket if nobody has it (409 if someone else does; 400 `status` if it is not open). */
export function claimTicket(ctx: AppContext, principal: Principal, ticketId: string): Promise<Changed> {
  return changeTicket(ctx, ticketId, () => [{ type: 'claim', assignee: principal.keyId }], { principal });
}
