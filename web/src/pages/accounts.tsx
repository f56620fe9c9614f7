// Admin: accounts (list and create), an account's contract (If-Match with the account's version) and
// its registered contacts (add and remove, within the plan's limit).
import { useState } from 'preact/hooks';
import { type Account, allAccounts } from '../accounts.ts';
import { call, get, idempotencyKey } from '../api.ts';
import { Busy, Done, Field, OtherFieldErrors, Problem, Section, useAction, useLoad } from '../components.tsx';
import { instant } from '../format.ts';
import { href } from '../router.ts';

function NewAccount({ onCreated }: { onCreated: () => void }) {
  const [form, setForm] = useState({
    id: '',
    name: '',
    referencePrefix: '',
    catalogId: '',
    planId: '',
    startDate: '',
  });
  const set = (name: keyof typeof form) => (value: string) => setForm({ ...form, [name]: value });
  const create = useAction(async () => {
    const body: Record<string, unknown> = {
      name: form.name,
      referencePrefix: form.referencePrefix,
      catalogId: form.catalogId,
      ...(form.id.trim() ? { id: form.id.trim() } : {}),
    };
    if (form.planId.trim()) body.contract = { planId: form.planId.trim(), startDate: form.startDate };
    const created = await call<Account>('/v1/accounts', {
      method: 'POST',
      body,
      headers: { 'idempotency-key': idempotencyKey() },
    });
    onCreated();
    return `Account ${created.data.id} created.`;
  });
  return (
    <form
      aria-label="New account"
      onSubmit={(event) => {
        event.preventDefault();
        void create.run();
      }}
    >
      <div class="grid">
        <Field
          label="Name"
          name="name"
          value={form.name}
          onValue={set('name')}
          error={create.error}
          required
        />
        <Field
          label="Account id (optional)"
          name="id"
          value={form.id}
          onValue={set('id')}
          error={create.error}
        />
        <Field
          label="Reference prefix"
          name="referencePrefix"
          value={form.referencePrefix}
          onValue={set('referencePrefix')}
          error={create.error}
          hint="2-10 uppercase letters or digits"
          required
        />
        <Field
          label="Catalog"
          name="catalogId"
          value={form.catalogId}
          onValue={set('catalogId')}
          error={create.error}
          required
        />
        <Field
          label="Plan (optional)"
          name="contract.planId"
          value={form.planId}
          onValue={set('planId')}
          error={create.error}
        />
        <Field
          label="Contract start"
          name="contract.startDate"
          type="date"
          value={form.startDate}
          onValue={set('startDate')}
          error={create.error}
        />
      </div>
      <button type="submit" disabled={create.busy}>
        Create account
      </button>
      <Busy label="Creating…" when={create.busy} />
      <Problem error={create.error} />
      <OtherFieldErrors
        error={create.error}
        shown={['name', 'id', 'referencePrefix', 'catalogId', 'contract.planId', 'contract.startDate']}
      />
      <Done text={create.done} />
    </form>
  );
}

function Contract({ account, onSaved }: { account: Account; onSaved: () => void }) {
  const [planId, setPlanId] = useState(account.contract?.planId ?? '');
  const [startDate, setStartDate] = useState(account.contract?.startDate ?? '');
  const [tier, setTier] = useState(account.contract?.tier ?? '');
  const save = useAction(async () => {
    await call(`/v1/accounts/${encodeURIComponent(account.id)}/contract`, {
      method: 'PUT',
      body: { planId, startDate, ...(tier.trim() ? { tier: tier.trim() } : {}) },
      headers: { 'if-match': `"${account.version}"` },
    });
    onSaved();
    return 'Contract saved.';
  });
  return (
    <form
      aria-label="Contract"
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      <div class="grid">
        <Field label="Plan" name="planId" value={planId} onValue={setPlanId} error={save.error} required />
        <Field
          label="Start date"
          name="startDate"
          type="date"
          value={startDate}
          onValue={setStartDate}
          error={save.error}
          required
        />
        <Field label="Tier (optional)" name="tier" value={tier} onValue={setTier} error={save.error} />
      </div>
      <button type="submit" disabled={save.busy}>
        Save contract
      </button>
      <Busy label="Saving…" when={save.busy} />
      <Problem error={save.error} />
      <OtherFieldErrors error={save.error} shown={['planId', 'startDate', 'tier']} />
      <Done text={save.done} />
    </form>
  );
}

interface Contacts {
  items: { email: string; name?: string; createdAt: string }[];
  max: number | null;
}

function ContactsSection({ accountId }: { accountId: string }) {
  const contacts = useLoad(
    () => get<Contacts>(`/v1/accounts/${encodeURIComponent(accountId)}/contacts`),
    [accountId],
  );
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const add = useAction(async () => {
    await call(`/v1/accounts/${encodeURIComponent(accountId)}/contacts`, {
      method: 'POST',
      body: { email, ...(name.trim() ? { name: name.trim() } : {}) },
      headers: { 'idempotency-key': idempotencyKey() },
    });
    setEmail('');
    setName('');
    contacts.reload();
    return `${email} registered.`;
  });
  const remove = useAction(async (address: string) => {
    await call(`/v1/accounts/${encodeURIComponent(accountId)}/contacts/${encodeURIComponent(address)}`, {
      method: 'DELETE',
    });
    contacts.reload();
    return `${address} removed.`;
  });
  return (
    <>
      <Problem error={contacts.error} />
      {contacts.data ? (
        <>
          <p>
            {contacts.data.items.length} registered
            {contacts.data.max !== null ? ` of at most ${contacts.data.max}` : ''}.
          </p>
          <ul class="contacts">
            {contacts.data.items.map((contact) => (
              <li key={contact.email}>
                {contact.name ? `${contact.name} ` : ''}
                <code>{contact.email}</code>{' '}
                <button
                  type="button"
                  class="small secondary"
                  onClick={() => void remove.run(contact.email)}
                  aria-label={`Remove ${contact.email}`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <Busy label="Loading contacts…" when={contacts.loading} />
      )}
      <Problem error={remove.error} />
      <Done text={remove.done} />
      <form
        aria-label="Register a contact"
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          void add.run();
        }}
      >
        <Field
          label="Email"
          name="email"
          type="email"
          value={email}
          onValue={setEmail}
          error={add.error}
          required
        />
        <Field label="Name" name="name" value={name} onValue={setName} error={add.error} />
        <button type="submit" disabled={add.busy}>
          Register contact
        </button>
        <Busy label="Registering…" when={add.busy} />
        <Problem error={add.error} />
        <Done text={add.done} />
      </form>
    </>
  );
}

function AccountDetail({ accountId }: { accountId: string }) {
  const account = useLoad(() => get<Account>(`/v1/accounts/${encodeURIComponent(accountId)}`), [accountId]);
  if (account.error) return <Problem error={account.error} />;
  if (!account.data) return <Busy label="Loading the account…" />;
  const a = account.data;
  return (
    <>
      <p>
        <a href={href('accounts')}>← Accounts</a>
      </p>
      <h1>
        {a.name} <small class="muted">({a.id})</small>
      </h1>
      <p>
        Catalog <code>{a.catalogId}</code>, references <code>{a.referencePrefix}-n</code>, created{' '}
        {instant(a.createdAt)}, version {a.version}. <a href={href('usage', a.id)}>Usage</a>
      </p>
      <Section title="Contract">
        <Contract key={a.version} account={a} onSaved={account.reload} />
      </Section>
      <Section title="Registered contacts">
        <ContactsSection accountId={a.id} />
      </Section>
    </>
  );
}

export function AccountsPage({ accountId }: { accountId: string | undefined }) {
  const [round, setRound] = useState(0);
  const accounts = useLoad(allAccounts, [round]);
  if (accountId) return <AccountDetail accountId={accountId} />;
  return (
    <>
      <h1>Accounts</h1>
      <Busy label="Loading accounts…" when={accounts.loading} />
      <Problem error={accounts.error} />
      {accounts.data ? (
        <table>
          <caption>{accounts.data.length} accounts, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Name</th>
              <th scope="col">Catalog</th>
              <th scope="col">Plan</th>
              <th scope="col">Contacts</th>
            </tr>
          </thead>
          <tbody>
            {accounts.data.map((a) => (
              <tr key={a.id}>
                <th scope="row">
                  <a href={href('accounts', a.id)}>{a.id}</a>
                </th>
                <td>{a.name}</td>
                <td>{a.catalogId}</td>
                <td>{a.contract ? `${a.contract.planId} since ${a.contract.startDate}` : 'pay per use'}</td>
                <td>{a.contactCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Section title="New account">
        <NewAccount
          onCreated={() => {
            setRound((n) => n + 1);
          }}
        />
      </Section>
    </>
  );
}
