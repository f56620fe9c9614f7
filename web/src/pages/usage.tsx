// Finance's view: an account's usage against its allowance in a month, with the month's entries and
// the late ones that adjust a closed month.
import { useState } from 'preact/hooks';
import { allAccounts } from '../accounts.ts';
import { Busy, Field, Problem, useLoad } from '../components.tsx';
import { go, href } from '../router.ts';
import { UsageView } from '../usage-view.tsx';

export function UsagePage({ accountId }: { accountId: string | undefined }) {
  const accounts = useLoad(allAccounts, []);
  const [month, setMonth] = useState('');
  const [shown, setShown] = useState<string>();
  const selected = accountId ?? accounts.data?.[0]?.id;
  return (
    <>
      <h1>Usage</h1>
      <Busy label="Loading accounts…" when={accounts.loading} />
      <Problem error={accounts.error} />
      {accounts.data ? (
        <form
          class="filters"
          aria-label="Account and month"
          onSubmit={(event) => {
            event.preventDefault();
            setShown(month || undefined);
          }}
        >
          <Field
            label="Account"
            name="account"
            value={selected ?? ''}
            onValue={(id) => go(href('usage', id))}
            options={accounts.data.map((a) => [a.id, `${a.name} (${a.id})`])}
          />
          <Field
            label="Month"
            name="month"
            type="month"
            value={month}
            onValue={setMonth}
            hint="YYYY-MM; empty: the current month"
          />
          <button type="submit">Show</button>
        </form>
      ) : null}
      {selected ? <UsageView accountId={selected} month={shown} /> : null}
    </>
  );
}
