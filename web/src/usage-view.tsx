// An account's usage in a month (GET /v1/accounts/{id}/usage): each pool against its allowance as a
// chart (bundles and contract terms too, when the API gives them), totals, and the month's ledger
// entries, with the closed month each late entry adjusts.
import { get } from './api.ts';
import { Busy, type PoolBar, Problem, UsageChart, useLoad } from './components.tsx';
import { instant, money, quantity, words } from './format.ts';

interface Pool {
  poolId: string;
  unit: string;
  period: string;
  periodStart: string;
  periodEnd: string;
  allowance: number;
  used: number;
  remaining: number | null;
  carriedIn?: number | null;
}

interface Entry {
  id: string;
  month: string;
  at: string;
  ticketId?: string;
  poolId?: string;
  kind: string;
  quantity: number;
  unit: string;
  amount: number;
  currency: string;
  reason: string;
  adjustsMonth?: string;
}

export interface Usage {
  accountId: string;
  month: string;
  planId: string | null;
  pools: Pool[];
  entries: Entry[];
  totals: Record<string, number>;
  bundles?: {
    id?: string;
    bundleId?: string;
    name?: string;
    unit?: string;
    allowance?: number;
    quantity?: number;
    used?: number;
  }[];
  [more: string]: unknown;
}

function barsOf(usage: Usage): PoolBar[] {
  const pools = usage.pools.map((pool) => ({
    label: `${pool.poolId} (${pool.period === 'month' ? 'month' : 'year'})`,
    used: pool.used,
    allowance: pool.allowance + (pool.carriedIn ?? 0),
    unit: pool.unit,
  }));
  const bundles = (usage.bundles ?? []).map((bundle, i) => ({
    label: `bundle ${bundle.name ?? bundle.bundleId ?? bundle.id ?? i + 1}`,
    used: bundle.used ?? 0,
    allowance: bundle.allowance ?? bundle.quantity ?? 0,
    unit: bundle.unit ?? 'request',
  }));
  return [...pools, ...bundles];
}

export function UsageView({
  accountId,
  month,
  refresh = 0,
  entries = true,
}: {
  accountId: string;
  month?: string;
  refresh?: number;
  entries?: boolean;
}) {
  const usage = useLoad(
    () =>
      get<Usage>(
        `/v1/accounts/${encodeURIComponent(accountId)}/usage${month ? `?month=${encodeURIComponent(month)}` : ''}`,
      ),
    [accountId, month, refresh],
  );
  if (usage.error) return <Problem error={usage.error} />;
  if (!usage.data) return <Busy label="Loading usage…" />;
  const data = usage.data;
  const title = `Usage of ${data.accountId} in ${data.month}`;
  return (
    <div class="usage" aria-busy={usage.loading}>
      <p>
        {title}
        {data.planId ? ` on plan ${data.planId}` : ' (pay per use)'}.{' '}
        {Object.entries(data.totals).length > 0
          ? `Charges this month: ${Object.entries(data.totals)
              .map(([currency, amount]) => money(amount, currency))
              .join(', ')}.`
          : 'No charges this month.'}
      </p>
      <UsageChart bars={barsOf(data)} title={title} />
      {entries ? (
        data.entries.length > 0 ? (
          <table class="entries">
            <caption>Ledger entries booked in {data.month}</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Quantity</th>
                <th scope="col">Amount</th>
                <th scope="col">Ticket</th>
                <th scope="col">Adjusts month</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {data.entries.map((entry) => (
                <tr key={entry.id} class={entry.adjustsMonth ? 'adjustment' : ''}>
                  <td>{instant(entry.at)}</td>
                  <td>{words(entry.kind)}</td>
                  <td>{quantity(entry.quantity, entry.unit)}</td>
                  <td>{money(entry.amount, entry.currency)}</td>
                  <td>{entry.ticketId ?? '—'}</td>
                  <td>{entry.adjustsMonth ? `adjusts ${entry.adjustsMonth}` : '—'}</td>
                  <td>{entry.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">No ledger entries in {data.month}.</p>
        )
      ) : null}
    </div>
  );
}
