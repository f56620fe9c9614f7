// Notices before a contract term ends: for every account whose term ends within its plan's lead time
// (`term.noticeDays`), one mail to its registered contacts saying the contract renews on a date, or
// that it ends and what applies after it. Run daily by a schedule in AWS and on every clock move in
// the local runtime. Idempotent: each notice is an outbox item whose id derives from the contract,
// term and kind, written only if absent, so any number of runs send it once.
import type { Catalog } from '../domain/catalog.ts';
import { planById } from '../domain/catalog.ts';
import { noticeDue } from '../domain/contract.ts';
import { addDays, localDateOf } from '../domain/period.ts';
import { contractNotice } from '../mail/templates.ts';
import { log } from '../shared/log.ts';
import { getAccountState, listAccounts } from '../store/accounts.ts';
import { getCatalog } from '../store/catalogs.ts';
import { ConcurrentChangeError, commit } from '../store/transact.ts';
import type { AppContext } from './context.ts';
import { outboxOpFor } from './ticket-mail.ts';

/** What applies once a contract of `catalog` has ended, in a sentence for customers. */
export function afterEndText(catalog: Catalog): string {
  const ppu = catalog.payPerUse ? planById(catalog, catalog.payPerUse.plan) : undefined;
  const fee = ppu?.ticketFee;
  if (fee) {
    const price = `${catalog.currency} ${(fee.price.amount / 100).toFixed(2)}`;
    return `After that, support continues without a contract at ${price} per ticket ${fee.chargeOn === 'resolution' ? 'processed' : 'opened'}.`;
  }
  if (ppu) return `After that, support continues under the ${ppu.name} terms.`;
  const rule = catalog.withoutContract;
  if (rule?.action === 'acceptWithoutSla')
    return 'After that, new requests are handled without response-time commitments.';
  return `After that, we cannot accept new requests${rule ? `: ${rule.reason}` : '.'}`;
}

/** Sends every contract notice due at `now` that was not sent yet; returns how many it wrote. */
export async function sendContractNotices(ctx: AppContext, now: Date): Promise<{ sent: number }> {
  const catalogs = new Map<string, Catalog | undefined>();
  const catalogOf = async (id: string) => {
    if (!catalogs.has(id)) catalogs.set(id, (await getCatalog(ctx.store, id))?.catalog);
    return catalogs.get(id);
  };
  let sent = 0;
  let cursor: string | undefined;
  do {
    const page = await listAccounts(ctx.store, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const account of page.items) {
      const contract = account.contract;
      if (!contract) continue;
      const catalog = await catalogOf(account.catalogId);
      const plan = catalog && planById(catalog, contract.planId);
      if (!catalog || !plan) continue;
      const notice = noticeDue(
        plan,
        account.id,
        contract,
        localDateOf(now, catalog.billingTimeZone),
        catalog.billingTimeZone,
      );
      if (!notice) continue;
      const state = await getAccountState(ctx.store, account.id);
      const to = (state?.contacts ?? []).map((c) => c.email).sort();
      if (to.length === 0) continue;
      const composed = contractNotice(
        to,
        {
          accountName: account.name,
          planName: plan.name,
          kind: notice.kind,
          lastDay: addDays(notice.term.end, -1),
          nextStart: notice.term.end,
          afterEnd: afterEndText(catalog),
        },
        ctx.newId(),
        ctx.settings.mail,
      );
      try {
        await commit(ctx.store, [outboxOpFor(ctx, composed, notice.key)]);
        sent += 1;
      } catch (error) {
        // Written by an earlier run: this notice has gone out (or is going).
        if (!(error instanceof ConcurrentChangeError)) throw error;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  if (sent > 0) log('info', 'contract notices written', { sent });
  return { sent };
}
