// The support desk console: sign in with an API key, then the pages the key's role may use (agents:
// queue, tickets, quarantine; finance: usage and exports; admins: all of it plus accounts, keys and
// catalogs). Every page reads and writes through the public API with that key only.
import './styles.css';
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useKey } from './api.ts';
import { AccountsPage } from './pages/accounts.tsx';
import { CatalogsPage } from './pages/catalogs.tsx';
import { ExportsPage } from './pages/exports.tsx';
import { KeysPage } from './pages/keys.tsx';
import { QuarantinePage } from './pages/quarantine.tsx';
import { QueuePage } from './pages/queue.tsx';
import { SignInPage } from './pages/signin.tsx';
import { TicketPage } from './pages/ticket.tsx';
import { TicketsPage } from './pages/tickets.tsx';
import { UsagePage } from './pages/usage.tsx';
import { href, useLocation } from './router.ts';
import { type Role, type Session, savedSession, saveSession } from './session.ts';

interface Page {
  name: string;
  title: string;
  roles: Role[];
}

/** The pages in the navigation, each for the roles whose keys may call what it shows. */
const PAGES: Page[] = [
  { name: 'queue', title: 'Queue', roles: ['agent', 'admin'] },
  { name: 'tickets', title: 'Tickets', roles: ['customer', 'agent', 'admin', 'finance'] },
  { name: 'usage', title: 'Usage', roles: ['finance', 'admin', 'agent'] },
  { name: 'exports', title: 'Exports', roles: ['finance', 'admin'] },
  { name: 'accounts', title: 'Accounts', roles: ['admin'] },
  { name: 'keys', title: 'API keys', roles: ['admin'] },
  { name: 'catalogs', title: 'Catalogs', roles: ['admin'] },
  { name: 'quarantine', title: 'Quarantine', roles: ['agent', 'admin'] },
];

const HOME: Record<Role, string> = { agent: 'queue', admin: 'queue', finance: 'usage', customer: 'tickets' };

function Content({ session, page, rest }: { session: Session; page: string; rest: string[] }) {
  switch (page) {
    case 'queue':
      return <QueuePage session={session} />;
    case 'tickets':
      return rest[0] ? <TicketPage session={session} id={rest[0]} /> : <TicketsPage session={session} />;
    case 'usage':
      return <UsagePage accountId={rest[0]} />;
    case 'exports':
      return <ExportsPage />;
    case 'accounts':
      return <AccountsPage accountId={rest[0]} />;
    case 'keys':
      return <KeysPage />;
    case 'catalogs':
      return <CatalogsPage />;
    case 'quarantine':
      return <QuarantinePage />;
    default:
      return <p role="alert">There is no page “{page}”.</p>;
  }
}

function App() {
  const [session, setSession] = useState<Session | undefined>(savedSession);
  const [signedOut, setSignedOut] = useState<string>();
  const where = useLocation();
  const main = useRef<HTMLElement>(null);
  const signOut = (reason?: string) => {
    saveSession(undefined);
    useKey(undefined);
    setSignedOut(reason);
    setSession(undefined);
  };
  useKey(session?.key, () => signOut('The API key was refused (unknown or revoked). Sign in again.'));
  const allowed = PAGES.filter((p) => session && p.roles.includes(session.role));
  const page = where.path[0] ?? (session ? HOME[session.role] : '');
  const current = allowed.find((p) => p.name === page);
  useEffect(() => {
    document.title = `${current?.title ?? 'Sign in'} · Support desk`;
    main.current?.focus();
  }, [current?.name, session?.key]);

  if (!session) {
    return (
      <main id="main" ref={main} tabIndex={-1}>
        <SignInPage
          reason={signedOut}
          onSignedIn={(next) => {
            saveSession(next);
            setSignedOut(undefined);
            setSession(next);
          }}
        />
      </main>
    );
  }
  return (
    <>
      {/* A button, not a link to #main: the hash holds the page's route. */}
      <button type="button" class="skip" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <strong class="brand">Support desk</strong>
        <nav aria-label="Pages">
          <ul>
            {allowed.map((p) => (
              <li key={p.name}>
                <a href={href(p.name)} aria-current={p.name === page ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          Signed in as <strong>{session.role}</strong> <code title="key id">{session.keyId}</code>
        </span>
        <button type="button" class="secondary" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {current ? (
          <Content session={session} page={page} rest={where.path.slice(1)} />
        ) : (
          <p role="alert">
            A {session.role} key cannot use the page “{page}”.{' '}
            <a href={href(HOME[session.role])}>Go to your first page</a>.
          </p>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
