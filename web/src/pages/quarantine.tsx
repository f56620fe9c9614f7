// Mail held in quarantine (spam, failed SPF, DKIM or DMARC) and its release: a released mail goes
// through the rest of the intake as if it had passed, and the page says what it became.
import { useState } from 'preact/hooks';
import { call, get } from '../api.ts';
import { Busy, Done, Problem, useAction, useLoad } from '../components.tsx';
import { instant } from '../format.ts';
import { href } from '../router.ts';

interface Held {
  id: string;
  status: 'held' | 'released';
  reasons: string[];
  from: string;
  subject: string;
  receivedAt: string;
  releasedAt?: string;
  outcome?: string;
  ticketId?: string;
}

export function QuarantinePage() {
  const [cursors, setCursors] = useState<string[]>([]);
  const list = useLoad(() => {
    const cursor = cursors.at(-1);
    return get<{ items: Held[]; nextCursor?: string }>(
      `/v1/quarantine?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
  }, [cursors]);
  const [released, setReleased] = useState<{ id: string; ticketId?: string }>();
  const release = useAction(async (mail: Held) => {
    const answer = await call<{ id: string; outcome: string; ticketId?: string }>(
      `/v1/quarantine/${encodeURIComponent(mail.id)}/release`,
      { method: 'POST' },
    );
    setReleased({ id: mail.id, ...(answer.data.ticketId ? { ticketId: answer.data.ticketId } : {}) });
    list.reload();
    return `Released “${mail.subject}”: it became ${answer.data.outcome}.`;
  });
  return (
    <>
      <h1>Quarantine</h1>
      <p>
        Inbound mail held for spam or failed authentication, oldest first. Nothing held reaches a ticket until
        released.
      </p>
      <Busy label="Loading held mail…" when={list.loading} />
      <Problem error={list.error} />
      <Busy label="Releasing…" when={release.busy} />
      <Problem error={release.error} />
      <Done text={release.done} />
      {released?.ticketId ? (
        <p>
          <a href={href('tickets', released.ticketId)}>Open the ticket</a>
        </p>
      ) : null}
      {list.data ? (
        list.data.items.length === 0 ? (
          <p class="muted">No mail is held.</p>
        ) : (
          <table>
            <caption>Held and released mail</caption>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">From</th>
                <th scope="col">Subject</th>
                <th scope="col">Failed checks</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((mail) => (
                <tr key={mail.id} data-subject={mail.subject}>
                  <td>{instant(mail.receivedAt)}</td>
                  <td>{mail.from}</td>
                  <td>{mail.subject}</td>
                  <td>{mail.reasons.join(', ')}</td>
                  <td>
                    {mail.status === 'held' ? (
                      <button
                        type="button"
                        class="small"
                        disabled={release.busy}
                        onClick={() => void release.run(mail)}
                        aria-label={`Release “${mail.subject}” from ${mail.from}`}
                      >
                        Release
                      </button>
                    ) : (
                      <>
                        released {instant(mail.releasedAt)}: {mail.outcome}
                        {mail.ticketId ? (
                          <>
                            {' '}
                            <a href={href('tickets', mail.ticketId)}>ticket</a>
                          </>
                        ) : null}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <div class="pager">
        {cursors.length > 0 ? (
          <button type="button" class="secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous
          </button>
        ) : null}
        {list.data?.nextCursor ? (
          <button
            type="button"
            class="secondary"
            onClick={() => setCursors([...cursors, list.data!.nextCursor!])}
          >
            Next
          </button>
        ) : null}
      </div>
    </>
  );
}
