// One ticket: the thread (customer, agent and internal notes told apart), reply and internal note,
// time logging, triage and assignment with If-Match (a conflict says what changed), the SLA clocks
// on a timeline and the account's usage this month.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, call, get, idempotencyKey } from '../api.ts';
import {
  Busy,
  type ClockView,
  Done,
  Field,
  OtherFieldErrors,
  Problem,
  Section,
  SlaTimeline,
  useAction,
  useLoad,
} from '../components.tsx';
import { instant, words } from '../format.ts';
import type { TicketView } from '../queue-item.ts';
import { href } from '../router.ts';
import type { Session } from '../session.ts';
import { UsageView } from '../usage-view.tsx';

interface Message {
  id: string;
  author: { type: string; keyId?: string; email?: string; name?: string };
  visibility: string;
  automatic: boolean;
  channel: string;
  body: string;
  createdAt: string;
}

const STATUSES = ['new', 'acknowledged', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'];
const COMPARED = ['status', 'severity', 'kind', 'assignee', 'subject'] as const;

async function loadTicket(id: string): Promise<{ ticket: TicketView; etag: string }> {
  const answer = await call<TicketView>(`/v1/tickets/${encodeURIComponent(id)}`);
  return { ticket: answer.data, etag: answer.etag ?? `"${answer.data.version}"` };
}

async function loadMessages(id: string): Promise<Message[]> {
  const all: Message[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<{ items: Message[]; nextCursor?: string }>(
      `/v1/tickets/${encodeURIComponent(id)}/messages?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && all.length < 1000);
  return all;
}

function authorOf(message: Message): { label: string; kind: string } {
  if (message.visibility === 'internal') return { label: 'Internal note', kind: 'internal' };
  if (message.author.type === 'customer') return { label: 'Customer', kind: 'customer' };
  if (message.author.type === 'agent') return { label: 'Agent', kind: 'agent' };
  return { label: message.automatic ? 'Automatic' : 'System', kind: 'system' };
}

function Thread({ messages }: { messages: Message[] }) {
  return (
    <ol class="thread">
      {messages.map((message) => {
        const author = authorOf(message);
        return (
          <li key={message.id} class={`message message-${author.kind}`} data-kind={author.kind}>
            <article aria-label={`${author.label}, ${instant(message.createdAt)}`}>
              <header>
                <span class={`badge author-${author.kind}`}>{author.label}</span>{' '}
                <span>{message.author.name ?? message.author.email ?? message.author.keyId ?? ''}</span>{' '}
                <time dateTime={message.createdAt} class="muted">
                  {instant(message.createdAt)}
                </time>{' '}
                <span class="muted">via {message.channel}</span>
              </header>
              <p class="body">{message.body}</p>
            </article>
          </li>
        );
      })}
    </ol>
  );
}

/** What differs between the ticket as loaded and as it is now, in words. */
function changesBetween(before: TicketView, after: TicketView): string[] {
  const changes: string[] = COMPARED.filter((name) => before[name] !== after[name]).map(
    (name) => `${name}: ${String(before[name] ?? 'nobody')} → ${String(after[name] ?? 'nobody')}`,
  );
  return changes.length > 0 ? changes : [`version ${before.version} → ${after.version} (messages or clocks)`];
}

function Triage({
  ticket,
  etag,
  session,
  onChanged,
  onConflict,
}: {
  ticket: TicketView;
  etag: string;
  session: Session;
  onChanged: (next: { ticket: TicketView; etag: string }) => void;
  onConflict: (changes: string[] | undefined) => void;
}) {
  const [status, setStatus] = useState(ticket.status);
  const [severity, setSeverity] = useState(ticket.severity);
  const [kind, setKind] = useState(ticket.kind);
  const [assignee, setAssignee] = useState(ticket.assignee ?? '');
  // A new version (saved here, or changed by someone else) redraws the form from the ticket.
  useEffect(() => {
    setStatus(ticket.status);
    setSeverity(ticket.severity);
    setKind(ticket.kind);
    setAssignee(ticket.assignee ?? '');
  }, [ticket.version]);
  const plan = useLoad(async () => {
    const account = await get<{ catalogId: string }>(`/v1/accounts/${encodeURIComponent(ticket.accountId)}`);
    const stored = await get<{ plan: { severities: { id: string; name?: string }[] } }>(
      `/v1/plans/${encodeURIComponent(`${account.catalogId}.${ticket.planId ?? ''}`)}`,
    );
    return stored.plan;
  }, [ticket.accountId, ticket.planId]);
  const severities = plan.data?.severities.map(
    (s) => [s.id, s.name && s.name !== s.id ? `${s.id} (${s.name})` : s.id] as [string, string],
  );
  const save = useAction(async () => {
    onConflict(undefined);
    const patch: Record<string, unknown> = {};
    if (status !== ticket.status) patch.status = status;
    if (severity !== ticket.severity) patch.severity = severity;
    if (kind !== ticket.kind) patch.kind = kind;
    if (assignee !== (ticket.assignee ?? '')) patch.assignee = assignee === '' ? null : assignee;
    if (Object.keys(patch).length === 0) return 'Nothing to change.';
    try {
      const answer = await call<TicketView>(`/v1/tickets/${encodeURIComponent(ticket.id)}`, {
        method: 'PATCH',
        body: patch,
        headers: { 'if-match': etag },
      });
      onChanged({ ticket: answer.data, etag: answer.etag ?? `"${answer.data.version}"` });
      return `Saved: ${Object.keys(patch).join(', ')}.`;
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        // The form is redrawn from the ticket as it is now; the parent keeps what changed in view.
        const now = await loadTicket(ticket.id);
        onConflict(changesBetween(ticket, now.ticket));
        onChanged(now);
      }
      throw error;
    }
  });
  const assignees: [string, string][] = [
    ['', 'nobody'],
    [session.keyId, `me (${session.keyId})`],
    ...(ticket.assignee && ticket.assignee !== session.keyId
      ? [[ticket.assignee, ticket.assignee] as [string, string]]
      : []),
  ];
  return (
    <form
      class="triage"
      aria-label="Change the ticket"
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      <Field
        label="Status"
        name="status"
        value={status}
        onValue={setStatus}
        error={save.error}
        options={STATUSES.map((s) => [s, words(s)])}
      />
      {severities ? (
        <Field
          label="Severity"
          name="severity"
          value={severity}
          onValue={setSeverity}
          error={save.error}
          options={severities}
        />
      ) : (
        <Field label="Severity" name="severity" value={severity} onValue={setSeverity} error={save.error} />
      )}
      <Field
        label="Kind"
        name="kind"
        value={kind}
        onValue={setKind}
        error={save.error}
        options={[
          ['request', 'request'],
          ['incident', 'incident'],
        ]}
      />
      <Field
        label="Assignee"
        name="assignee"
        value={assignee}
        onValue={setAssignee}
        error={save.error}
        options={assignees}
      />
      <button type="submit" disabled={save.busy}>
        Save changes
      </button>
      <Busy label="Saving…" when={save.busy} />
      <Problem error={save.error} />
      <OtherFieldErrors error={save.error} shown={['status', 'severity', 'kind', 'assignee']} />
      <Done text={save.done} />
    </form>
  );
}

function Reply({ ticket, staff, onPosted }: { ticket: TicketView; staff: boolean; onPosted: () => void }) {
  const [body, setBody] = useState('');
  const post = useAction(async (visibility: 'public' | 'internal') => {
    const answer = await call<{ continuedOn?: TicketView }>(
      `/v1/tickets/${encodeURIComponent(ticket.id)}/messages`,
      {
        method: 'POST',
        body: staff ? { body, visibility } : { body },
        headers: { 'idempotency-key': idempotencyKey() },
      },
    );
    setBody('');
    onPosted();
    if (answer.data.continuedOn)
      return `The reply opened a new ticket, ${answer.data.continuedOn.reference}.`;
    return visibility === 'internal' ? 'Internal note added.' : 'Reply sent.';
  });
  return (
    <form
      aria-label="Reply"
      onSubmit={(event) => {
        event.preventDefault();
        void post.run('public');
      }}
    >
      <Field
        label="Message"
        name="body"
        value={body}
        onValue={setBody}
        error={post.error}
        multiline={5}
        required
      />
      <div class="buttons">
        <button type="submit" disabled={post.busy}>
          Send reply
        </button>
        {staff ? (
          <button
            type="button"
            class="secondary"
            disabled={post.busy}
            onClick={() => void post.run('internal')}
          >
            Add internal note
          </button>
        ) : null}
      </div>
      <Busy label="Posting…" when={post.busy} />
      <Problem error={post.error} />
      <Done text={post.done} />
    </form>
  );
}

function LogTime({ ticket, onLogged }: { ticket: TicketView; onLogged: (ticket: TicketView) => void }) {
  const [minutes, setMinutes] = useState('15');
  const [note, setNote] = useState('');
  const log = useAction(async () => {
    const answer = await call<{
      entry: { countedMinutes: number; fromPool: number; decision: string };
      ticket: TicketView;
    }>(`/v1/tickets/${encodeURIComponent(ticket.id)}/time-entries`, {
      method: 'POST',
      body: { minutes: Number(minutes), ...(note.trim() ? { note: note.trim() } : {}) },
      headers: { 'idempotency-key': idempotencyKey() },
    });
    onLogged(answer.data.ticket);
    const entry = answer.data.entry;
    return `Logged ${minutes} min: ${entry.countedMinutes} min counted, ${entry.fromPool} min from the hour pool (${words(entry.decision)}).`;
  });
  return (
    <form
      aria-label="Log time"
      class="inline"
      onSubmit={(event) => {
        event.preventDefault();
        void log.run();
      }}
    >
      <Field
        label="Minutes"
        name="minutes"
        type="number"
        min={1}
        max={1440}
        value={minutes}
        onValue={setMinutes}
        error={log.error}
        required
      />
      <Field label="Note" name="note" value={note} onValue={setNote} error={log.error} />
      <button type="submit" disabled={log.busy}>
        Log time
      </button>
      <Busy label="Logging…" when={log.busy} />
      <Problem error={log.error} />
      <Done text={log.done} />
    </form>
  );
}

export function TicketPage({ session, id }: { session: Session; id: string }) {
  const [round, setRound] = useState(0);
  const [override, setOverride] = useState<{ ticket: TicketView; etag: string }>();
  const [conflict, setConflict] = useState<string[]>();
  const loaded = useLoad(() => loadTicket(id), [id, round]);
  const messages = useLoad(() => loadMessages(id), [id, round]);
  const staff = session.role === 'agent' || session.role === 'admin';
  const current =
    override && loaded.data && override.ticket.version >= loaded.data.ticket.version ? override : loaded.data;
  if (loaded.error) return <Problem error={loaded.error} />;
  if (!current) return <Busy label="Loading the ticket…" />;
  const ticket = current.ticket;
  const refresh = (next?: { ticket: TicketView; etag: string }) => {
    if (next) setOverride(next);
    else setOverride(undefined);
    setRound((n) => n + 1);
  };
  const clocks = Object.entries(ticket.sla ?? {})
    .filter(([, clock]) => clock)
    .map(([metric, clock]) => ({ ...(clock as ClockView), metric }));
  return (
    <>
      <p>
        <a href={href(staff ? 'queue' : 'tickets')}>← {staff ? 'Queue' : 'Tickets'}</a>
      </p>
      <h1>
        {ticket.reference}: {ticket.subject}
      </h1>
      <dl class="facts">
        <div>
          <dt>Status</dt>
          <dd data-field="status">{words(ticket.status)}</dd>
        </div>
        <div>
          <dt>Severity</dt>
          <dd>{ticket.severity}</dd>
        </div>
        <div>
          <dt>Kind</dt>
          <dd>{ticket.kind}</dd>
        </div>
        <div>
          <dt>Account</dt>
          <dd>{ticket.accountId}</dd>
        </div>
        <div>
          <dt>Assignee</dt>
          <dd>{ticket.assignee ? (ticket.assignee === session.keyId ? 'me' : ticket.assignee) : 'nobody'}</dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>{ticket.version}</dd>
        </div>
        {ticket.entitlement ? (
          <div>
            <dt>Entitlement</dt>
            <dd>{ticket.entitlement.reason}</dd>
          </div>
        ) : null}
      </dl>
      {staff ? (
        <Section title="Triage and assignment">
          {conflict ? (
            <div role="alert" class="conflict">
              <p>
                Not saved: someone changed this ticket since you loaded it (now version {ticket.version}).
                What changed:
              </p>
              <ul>
                {conflict.map((change) => (
                  <li key={change}>{change}</li>
                ))}
              </ul>
              <p>The form now shows the ticket as it is; make your change again.</p>
            </div>
          ) : null}
          <Triage
            ticket={ticket}
            etag={current.etag}
            session={session}
            onChanged={refresh}
            onConflict={setConflict}
          />
        </Section>
      ) : null}
      <Section title="SLA clocks">
        {clocks.length > 0 ? (
          <SlaTimeline start={String(ticket.clocksStartAt ?? ticket.createdAt)} clocks={clocks} />
        ) : (
          <p class="muted">No SLA clocks govern this ticket.</p>
        )}
      </Section>
      <Section title="Thread">
        <Problem error={messages.error} />
        {messages.data ? <Thread messages={messages.data} /> : <Busy label="Loading messages…" />}
        <Reply ticket={ticket} staff={staff} onPosted={() => refresh()} />
      </Section>
      {staff ? (
        <Section title="Time">
          <LogTime ticket={ticket} onLogged={() => refresh()} />
        </Section>
      ) : null}
      <Section title="Account usage this month">
        <UsageView accountId={ticket.accountId} refresh={round} entries={false} />
      </Section>
    </>
  );
}
