// Admin: issue API keys for staff and customers (the secret is shown once, here, and never again:
// only its hash is stored) and revoke a key by its keyId.
import { useState } from 'preact/hooks';
import { call } from '../api.ts';
import { Busy, Done, Field, OtherFieldErrors, Problem, Section, useAction } from '../components.tsx';

interface Issued {
  secret: string;
  key: { keyId: string; role: string; name: string; accountId?: string };
}

export function KeysPage() {
  const [role, setRole] = useState('agent');
  const [name, setName] = useState('');
  const [accountId, setAccountId] = useState('');
  const [issued, setIssued] = useState<Issued>();
  const [keyId, setKeyId] = useState('');
  const issue = useAction(async () => {
    setIssued(undefined);
    const answer = await call<Issued>('/v1/api-keys', {
      method: 'POST',
      body: {
        role,
        name,
        ...(role === 'customer' || accountId.trim() ? { accountId: accountId.trim() } : {}),
      },
    });
    setIssued(answer.data);
    setName('');
    return undefined;
  });
  const revoke = useAction(async () => {
    const answer = await call<{ keyId: string; revokedAt?: string }>(
      `/v1/api-keys/${encodeURIComponent(keyId.trim())}`,
      {
        method: 'DELETE',
      },
    );
    return `Key ${answer.data.keyId} revoked${answer.data.revokedAt ? ` (since ${answer.data.revokedAt})` : ''}.`;
  });
  return (
    <>
      <h1>API keys</h1>
      <Section title="Issue a key">
        <form
          aria-label="Issue a key"
          onSubmit={(event) => {
            event.preventDefault();
            void issue.run();
          }}
        >
          <div class="grid">
            <Field
              label="Role"
              name="role"
              value={role}
              onValue={setRole}
              error={issue.error}
              options={[
                ['agent', 'agent'],
                ['finance', 'finance'],
                ['admin', 'admin'],
                ['customer', 'customer'],
              ]}
            />
            <Field
              label="Name"
              name="name"
              value={name}
              onValue={setName}
              error={issue.error}
              required
              hint="Who or what uses it"
            />
            <Field
              label="Account (customer keys)"
              name="accountId"
              value={accountId}
              onValue={setAccountId}
              error={issue.error}
            />
          </div>
          <button type="submit" disabled={issue.busy}>
            Issue key
          </button>
          <Busy label="Issuing…" when={issue.busy} />
          <Problem error={issue.error} />
          <OtherFieldErrors error={issue.error} shown={['role', 'name', 'accountId']} />
        </form>
        {issued ? (
          <div class="secret" role="status">
            <p>
              New {issued.key.role} key <strong>{issued.key.name}</strong> (key id{' '}
              <code>{issued.key.keyId}</code>
              {issued.key.accountId ? `, account ${issued.key.accountId}` : ''}). Copy the secret now: it is
              shown this once and cannot be shown again.
            </p>
            <label for="new-secret">Secret</label>
            <input
              id="new-secret"
              readOnly
              value={issued.secret}
              class="mono"
              onFocus={(e) => e.currentTarget.select()}
            />
            <button
              type="button"
              class="secondary"
              onClick={() => void navigator.clipboard?.writeText(issued.secret)}
            >
              Copy
            </button>
          </div>
        ) : null}
      </Section>
      <Section title="Revoke a key">
        <form
          aria-label="Revoke a key"
          class="inline"
          onSubmit={(event) => {
            event.preventDefault();
            void revoke.run();
          }}
        >
          <Field
            label="Key id"
            name="keyId"
            value={keyId}
            onValue={setKeyId}
            error={revoke.error}
            required
            hint="16 hex digits"
          />
          <button type="submit" class="danger" disabled={revoke.busy}>
            Revoke
          </button>
          <Busy label="Revoking…" when={revoke.busy} />
          <Problem error={revoke.error} />
          <Done text={revoke.done} />
        </form>
      </Section>
    </>
  );
}
