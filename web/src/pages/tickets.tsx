// Tickets, newest first (GET /v1/tickets): customers see their account's, staff filter by account
// and status. The queue is the agents' working list; this one finds any ticket, closed ones too.
import { useState } from 'preact/hooks';
import { get } from '../api.ts';
import { Busy, Field, Problem, StateBadge, useLoad } from '../components.tsx';
import { instant, words } from '../format.ts';
import { queueSlaOf, type TicketView } from '../queue-item.ts';
import { href } from '../router.ts';
import type { Session } from '../session.ts';

export function TicketsPage({ session }: { session: Session }) {
  // Staff list by status or account (all tickets of every account would be a scan): start with new ones.
  const first = session.role === 'customer' ? '' : 'new';
  const [status, setStatus] = useState(first);
  const [accountId, setAccountId] = useState('');
  const [applied, setApplied] = useState({ status: first, accountId: '' });
  const [cursors, setCursors] = useState<string[]>([]);
  const tickets = useLoad(() => {
    const params = new URLSearchParams({ limit: '25' });
    if (applied.status) params.set('status', applied.status);
    if (applied.accountId.trim()) params.set('accountId', applied.accountId.trim());
    const cursor = cursors.at(-1);
    if (cursor) params.set('cursor', cursor);
    return get<{ items: TicketView[]; nextCursor?: string }>(`/v1/tickets?${params}`);
  }, [applied, cursors]);
  return (
    <>
      <h1>Tickets</h1>
      <form
        class="filters"
        aria-label="Ticket filters"
        onSubmit={(event) => {
          event.preventDefault();
          setCursors([]);
          setApplied({ status, accountId });
        }}
      >
        <Field
          label="Status"
          name="status"
          value={status}
          onValue={setStatus}
          error={tickets.error}
          options={[
            ['', 'any'],
            ...['new', 'acknowledged', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'].map(
              (s) => [s, words(s)] as [string, string],
            ),
          ]}
        />
        {session.role !== 'customer' ? (
          <Field
            label="Account"
            name="accountId"
            value={accountId}
            onValue={setAccountId}
            error={tickets.error}
          />
        ) : null}
        <button type="submit">Show</button>
      </form>
      <Busy label="Loading tickets…" when={tickets.loading} />
      <Problem error={tickets.error} />
      {tickets.data ? (
        <>
          <table>
            <caption>Tickets, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Ticket</th>
                <th scope="col">Subject</th>
                <th scope="col">Account</th>
                <th scope="col">Severity</th>
                <th scope="col">Status</th>
                <th scope="col">SLA</th>
                <th scope="col">Opened</th>
              </tr>
            </thead>
            <tbody>
              {tickets.data.items.map((ticket) => (
                <tr key={ticket.id} data-reference={ticket.reference}>
                  <th scope="row">
                    <a href={href('tickets', ticket.id)}>{ticket.reference}</a>
                  </th>
                  <td>{ticket.subject}</td>
                  <td>{ticket.accountId}</td>
                  <td>{ticket.severity}</td>
                  <td>{words(ticket.status)}</td>
                  <td>
                    <StateBadge state={queueSlaOf(ticket).state} />
                  </td>
                  <td>{instant(ticket.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="pager">
            {cursors.length > 0 ? (
              <button type="button" class="secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
                Newer
              </button>
            ) : null}
            {tickets.data.nextCursor ? (
              <button
                type="button"
                class="secondary"
                onClick={() => setCursors([...cursors, tickets.data!.nextCursor!])}
              >
                Older
              </button>
            ) : null}
          </div>
        </>
      ) : null}
    </>
  );
}
