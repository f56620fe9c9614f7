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
import { type QueueItem, queueSlaOf } from '../queue-item.ts';
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

/** The summary counts the same filters the list shows (it takes no cursor or limit). */
function summaryQuery(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value.trim()) params.set(name, value.trim());
  return params.toString();
}

/** GET /v1/queue/summary: open tickets counted per live SLA state and per severity. */
interface QueueSummary {
  at: string;
  total: number;
  states: Record<'breached' | 'at_risk' | 'running' | 'paused' | 'none', number>;
  severities: Record<string, number>;
}

const SUMMARY_STATES = ['breached', 'at_risk', 'running', 'paused', 'none'] as const;

/** One group of counts: a heading, then a <dl> whose every term and count share one <div>. */
function Counts({ title, counts }: { title: string; counts: [string, string, number][] }) {
  return (
    <div class="counts">
      <h2 class="counts-title">{title}</h2>
      {counts.length === 0 ? (
        <p class="muted">none</p>
      ) : (
        <dl>
          {counts.map(([key, label, value]) => (
            <div key={key} class={`count state-${key}`}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

function Summary({ summary }: { summary: QueueSummary }) {
  return (
    <section class="summary" aria-label="Queue summary">
      <p class="summary-total">
        Open: <strong>{summary.total}</strong>
      </p>
      <Counts
        title="SLA state"
        counts={SUMMARY_STATES.map((state) => [
          state,
          STATE_WORDS[state] ?? state,
          summary.states[state] ?? 0,
        ])}
      />
      <Counts
        title="Severity"
        counts={Object.entries(summary.severities).map(([severity, value]) => [
          `severity-${severity}`,
          severity,
          value,
        ])}
      />
    </section>
  );
}

export function QueuePage({ session }: { session: Session }) {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [loadedAt, setLoadedAt] = useState(Date.now());
  const queue = useLoad(async () => {
    const page = await get<{ items: QueueItem[]; nextCursor?: string }>(`/v1/queue?${query(filters)}`);
    setLoadedAt(Date.now());
    return page;
  }, [filters]);
  const summary = useLoad(() => get<QueueSummary>(`/v1/queue/summary?${summaryQuery(filters)}`), [filters]);
  // Count down on the desk's clock: the summary says what time it is there (`at`).
  const skewMs = summary.data ? Date.parse(summary.data.at) - loadedAt : 0;
  const claim = useAction(async (ticket: QueueItem) => {
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
                    <Countdown dueAt={sla.dueAt} state={sla.state} loadedAt={loadedAt} skewMs={skewMs} />
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
                      >
                        {/* The reference, heard but not seen, names the button "Take B2B-2"; an
                            aria-label would hide the visible word from voice control. */}
                        Take<span class="visually-hidden"> {ticket.reference}</span>
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
