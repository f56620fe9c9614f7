// Closed months and their usage exports (GET /v1/exports/{month}), downloadable as CSV and JSON. The
// API lists no months, so the page asks month by month, newest first, until the desk's first month.
import { useState } from 'preact/hooks';
import { ApiError, download, get } from '../api.ts';
import { Busy, Done, Problem, useAction, useLoad } from '../components.tsx';
import { instant, monthOf } from '../format.ts';

interface MonthState {
  month: string;
  closed: boolean;
  closesAt?: string;
  accounts?: number;
}

/** The desk's current month (its clock may differ from this browser's): the default month of usage. */
async function currentMonth(): Promise<string> {
  const page = await get<{ items: { id: string }[] }>('/v1/accounts?limit=1');
  const first = page.items[0];
  if (!first) return monthOf(new Date());
  return (await get<{ month: string }>(`/v1/accounts/${encodeURIComponent(first.id)}/usage`)).month;
}

/** Months from the current one back, until one ended before the desk ran (404), at most two years. */
async function months(): Promise<MonthState[]> {
  const found: MonthState[] = [];
  const [year, month0] = (await currentMonth()).split('-').map(Number) as [number, number];
  const now = new Date(Date.UTC(year, month0 - 1, 15));
  for (let offset = 0; offset > -25; offset--) {
    const month = monthOf(now, offset);
    try {
      const file = await get<{ accounts?: unknown[] }>(`/v1/exports/${month}`);
      found.push({ month, closed: true, accounts: file.accounts?.length });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 409) {
        const closesAt = typeof error.body.closesAt === 'string' ? error.body.closesAt : undefined;
        found.push({ month, closed: false, ...(closesAt ? { closesAt } : {}) });
      } else if (error.status === 404) break;
      else if (error.status === 400) continue;
      else throw error;
    }
  }
  return found;
}

export function ExportsPage() {
  const [round, setRound] = useState(0);
  const list = useLoad(months, [round]);
  const save = useAction(async (month: string, format: 'csv' | 'json') => {
    const bytes = await download(
      `/v1/exports/${month}`,
      format === 'csv' ? 'text/csv' : 'application/json',
      `usage-${month}.${format}`,
    );
    return `Downloaded usage-${month}.${format} (${bytes.toLocaleString('en')} bytes).`;
  });
  return (
    <>
      <h1>Usage exports</h1>
      <p>
        A month closes at the start of the next; its export is written once and never changes. Amounts are in
        minor units.
      </p>
      <button type="button" class="secondary" onClick={() => setRound((n) => n + 1)}>
        Check again
      </button>
      <Busy label="Looking for closed months…" when={list.loading} />
      <Problem error={list.error} />
      <Busy label="Downloading…" when={save.busy} />
      <Problem error={save.error} />
      <Done text={save.done} />
      {list.data ? (
        <table>
          <caption>Months, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">State</th>
              <th scope="col">Export</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((m) => (
              <tr key={m.month} data-month={m.month}>
                <th scope="row">{m.month}</th>
                <td>
                  {m.closed
                    ? `closed${m.accounts !== undefined ? `, ${m.accounts} account${m.accounts === 1 ? '' : 's'}` : ''}`
                    : `open, closes ${instant(m.closesAt)}`}
                </td>
                <td>
                  {m.closed ? (
                    <div class="buttons">
                      <button
                        type="button"
                        class="small"
                        onClick={() => void save.run(m.month, 'csv')}
                        aria-label={`Download ${m.month} as CSV`}
                      >
                        CSV
                      </button>
                      <button
                        type="button"
                        class="small secondary"
                        onClick={() => void save.run(m.month, 'json')}
                        aria-label={`Download ${m.month} as JSON`}
                      >
                        JSON
                      </button>
                    </div>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
