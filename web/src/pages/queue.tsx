// The agents' queue (GET /v1/queue): open tickets of every account, breached first, then by the next
// SLA deadline, with live countdowns, state colours, filters and the summary counts.
import { useEffect, useState } from 'preact/hooks';
import { call, get } from '../api.ts';
import {
  Busy,
  Countdown,
  Field,
  Problem,
  STATE_WORDS,
  StateBadge,
  useAction,
  useLoad,
} from '../components.tsx';
import { duration, words } from '../format.ts';
import { queueSlaOf, type TicketView } from '../queue-item.ts';
import { href } from '../router.ts';
import type { Session } from '../session.ts';

interface Filters {
  state: string;
  severity: string;
  assignee: string;
  accountId: string;
  catalogId: string;
  status: string;
}

const EMPTY: Filters = { state: '', severity: '', assignee: '', accountId: '', catalogId: '', status: '' };

function query(filters: Filters, cursor?: string): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value.trim()) params.set(name, value.trim());
  if (cursor) params.set('cursor', cursor);
  params.set('limit', '50');
  return params.toString();
}

/** Counts in the summary: `{ byState: {...}, bySeverity: {...} }` or any object of counts. */
function Summary({ summary }: { summary: Record<string, unknown> }) {
  const groups = Object.entries(summary).filter(([, value]) => value && typeof value === 'object') as [
    string,
    Record<string, unknown>,
  ][];
  const totals = Object.entries(summary).filter(([, value]) => typeof value === 'number');
  return (
    <section class="summary" aria-label="Queue summary">
      {totals.map(([name, value]) => (
        <p key={name} class="summary-total">
          {words(name)}: <strong>{String(value)}</strong>
        </p>
      ))}
      {groups.map(([name, counts]) => (
        <dl key={name} class="counts">
          <dt class="counts-title">{words(name.replace(/^by/, ''))}</dt>
          {Object.entries(counts).map(([label, value]) => (
            <div key={label} class={`count state-${label}`}>
              <dt>{STATE_WORDS[label] ?? label}</dt>
              <dd>{typeof value === 'number' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      ))}
    </section>
  );
}

export function QueuePage({ session }: { session: Session }) {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [loadedAt, setLoadedAt] = useState(Date.now());
  const queue = useLoad(async () => {
    const page = await get<{ items: TicketView[]; nextCursor?: string }>(`/v1/queue?${query(filters)}`);
    setLoadedAt(Date.now());
    return page;
  }, [filters]);
  const summary = useLoad(() => get<Record<string, unknown>>('/v1/queue/summary'), [filters]);
  const claim = useAction(async (ticket: TicketView) => {
    await call(`/v1/tickets/${encodeURIComponent(ticket.id)}/claim`, { method: 'POST' });
    queue.reload();
    summary.reload();
    return `You took ${ticket.reference}.`;
  });
  // The queue moves as clocks run out: read it again every half minute.
  useEffect(() => {
    const timer = setInterval(() => {
      queue.reload();
      summary.reload();
    }, 30_000);
    return () => clearInterval(timer);
  }, [queue.reload, summary.reload]);
  const set = (name: keyof Filters) => (value: string) => setDraft({ ...draft, [name]: value });
  return (
    <>
      <h1>Queue</h1>
      {summary.data ? <Summary summary={summary.data} /> : <Problem error={summary.error} />}
      <form
        class="filters"
        aria-label="Queue filters"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters(draft);
        }}
      >
        <Field
          label="SLA state"
          name="state"
          value={draft.state}
          onValue={set('state')}
          error={queue.error}
          options={[
            ['', 'any'],
            ['breached', 'Breached'],
            ['at_risk', 'At risk'],
            ['running', 'Running'],
            ['paused', 'Paused'],
          ]}
        />
        <Field
          label="Assignee"
          name="assignee"
          value={draft.assignee}
          onValue={set('assignee')}
          error={queue.error}
          options={[
            ['', 'anyone'],
            ['me', 'me'],
            ['none', 'nobody'],
          ]}
        />
        <Field
          label="Severity"
          name="severity"
          value={draft.severity}
          onValue={set('severity')}
          error={queue.error}
        />
        <Field
          label="Status"
          name="status"
          value={draft.status}
          onValue={set('status')}
          error={queue.error}
          options={[
            ['', 'any open'],
            ['new', 'new'],
            ['acknowledged', 'acknowledged'],
            ['in_progress', 'in progress'],
            ['waiting_on_customer', 'waiting on customer'],
          ]}
        />
        <Field
          label="Account"
          name="accountId"
          value={draft.accountId}
          onValue={set('accountId')}
          error={queue.error}
        />
        <Field
          label="Catalog"
          name="catalogId"
          value={draft.catalogId}
          onValue={set('catalogId')}
          error={queue.error}
        />
        <button type="submit">Apply filters</button>
      </form>
      <Busy label="Loading the queue…" when={queue.loading && !queue.data} />
      <Problem error={queue.error} />
      <Problem error={claim.error} />
      {claim.done ? (
        <p role="status" class="done">
          {claim.done}
        </p>
      ) : null}
      {queue.data ? (
        <table class="queue">
          <caption>
            {queue.data.items.length} open ticket{queue.data.items.length === 1 ? '' : 's'}
            {queue.data.nextCursor ? ' (first 50)' : ''}, breached first, then by the next deadline
          </caption>
          <thead>
            <tr>
              <th scope="col">Ticket</th>
              <th scope="col">Subject</th>
              <th scope="col">Account</th>
              <th scope="col">Severity</th>
              <th scope="col">Status</th>
              <th scope="col">SLA</th>
              <th scope="col">Time left</th>
              <th scope="col">Assignee</th>
            </tr>
          </thead>
          <tbody>
            {queue.data.items.map((ticket) => {
              const sla = queueSlaOf(ticket);
              return (
                <tr key={ticket.id} class={`row state-${sla.state}`} data-reference={ticket.reference}>
                  <th scope="row">
                    <a href={href('tickets', ticket.id)}>{ticket.reference}</a>
                  </th>
                  <td>{ticket.subject}</td>
                  <td>{ticket.accountId}</td>
                  <td>{ticket.severity}</td>
                  <td>{words(ticket.status)}</td>
                  <td>
                    <StateBadge state={sla.state} />
                  </td>
                  <td>
                    <Countdown dueAt={sla.dueAt} state={sla.state} loadedAt={loadedAt} />
                    {sla.remainingMs !== null && sla.state !== 'breached' ? (
                      <small class="muted"> ({duration(sla.remainingMs)} business time)</small>
                    ) : null}
                  </td>
                  <td>
                    {ticket.assignee ? (
                      ticket.assignee === session.keyId ? (
                        'me'
                      ) : (
                        <code>{ticket.assignee}</code>
                      )
                    ) : (
                      <button
                        type="button"
                        class="small"
                        disabled={claim.busy}
                        onClick={() => void claim.run(ticket)}
                        aria-label={`Take ${ticket.reference}`}
                      >
                        Take it
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
