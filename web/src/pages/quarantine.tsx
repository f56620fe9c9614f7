// Mail held in quarantine (spam, failed SPF, DKIM or DMARC) and its release: a released mail goes
// through the rest of the intake as if it had passed. Release is asynchronous (202 and a status URL),
// so the page says "releasing…", reads the entry until it has an outcome, and says what it became.
import { useState } from 'preact/hooks';
import { call, get } from '../api.ts';
import { Busy, Done, Problem, useAction, useLoad } from '../components.tsx';
import { instant } from '../format.ts';
import { href } from '../router.ts';

interface Held {
  id: string;
  status: 'held' | 'releasing' | 'released';
  reasons: string[];
  from: string;
  subject: string;
  receivedAt: string;
  releasedAt?: string;
  outcome?: string;
  ticketId?: string;
}

interface Release {
  id: string;
  status: 'releasing' | 'released';
  statusUrl: string;
  outcome?: string;
  ticketId?: string;
}

/** What a released mail became, in words (the intake's outcomes). */
const OUTCOME_WORDS: Record<string, string> = {
  ticket: 'ticket',
  reply: 'a reply on ticket',
  automatic: 'nothing: it is automatic mail',
  bounce: 'a delivery report on ticket',
  unknownSender: 'nothing: the sender is not a registered contact (they were told how to register)',
  oversized: 'nothing: it is too large',
  refused: 'nothing: the plan refuses it (the sender was told why)',
  dropped: 'nothing: it was dropped',
  agentReply: 'an agent’s reply on ticket',
  note: 'an internal note on ticket',
  staffUnmatched: 'nothing: staff mail that names no ticket',
};

// The intake takes up to a minute for the largest mail; past two the page stops asking and says so.
const POLL_LIMIT_MS = 120_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads the entry at `statusUrl` until it is released, waiting longer between reads as it goes. */
async function untilReleased(statusUrl: string): Promise<Held> {
  const started = Date.now();
  for (let wait = 250; ; wait = Math.min(wait * 2, 2_000)) {
    const entry = await get<Held>(statusUrl);
    if (entry.status === 'released') return entry;
    if (entry.status === 'held')
      throw new Error('The release did not take: the mail is still held. Try again.');
    if (Date.now() - started > POLL_LIMIT_MS) {
      throw new Error(
        'The mail is still being released after two minutes; reload the page later to see what it became.',
      );
    }
    await pause(wait);
  }
}

/** The ticket's reference when it can be read (it is what agents say), else its id. */
async function referenceOf(ticketId: string): Promise<string> {
  try {
    return (await get<{ reference: string }>(`/v1/tickets/${encodeURIComponent(ticketId)}`)).reference;
  } catch {
    return ticketId;
  }
}

export function QuarantinePage() {
  const [cursors, setCursors] = useState<string[]>([]);
  const list = useLoad(() => {
    const cursor = cursors.at(-1);
    return get<{ items: Held[]; nextCursor?: string }>(
      `/v1/quarantine?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
  }, [cursors]);
  const [releasing, setReleasing] = useState<Held>();
  const [released, setReleased] = useState<{ id: string; ticketId?: string }>();
  const release = useAction(async (mail: Held) => {
    setReleased(undefined);
    setReleasing(mail);
    try {
      const answer = await call<Release>(`/v1/quarantine/${encodeURIComponent(mail.id)}/release`, {
        method: 'POST',
      });
      // 200: released before (the answer has the outcome); 202: handed to the intake, follow it.
      const entry: Pick<Held, 'outcome' | 'ticketId'> =
        answer.data.status === 'released' ? answer.data : await untilReleased(answer.data.statusUrl);
      setReleased({ id: mail.id, ...(entry.ticketId ? { ticketId: entry.ticketId } : {}) });
      list.reload();
      const outcome = entry.outcome ?? 'unknown';
      const became = OUTCOME_WORDS[outcome] ?? outcome;
      const ticket = entry.ticketId ? ` ${await referenceOf(entry.ticketId)}` : '';
      return `Released “${mail.subject}”: it became ${became}${became.startsWith('nothing') ? '' : ticket}.`;
    } finally {
      setReleasing(undefined);
    }
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
      <Busy label={releasing ? `Releasing “${releasing.subject}”…` : 'Releasing…'} when={release.busy} />
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
                    {mail.status === 'releasing' ? (
                      'releasing…'
                    ) : mail.status === 'held' ? (
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
