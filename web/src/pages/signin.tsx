// Sign in: the API key, checked with the API, kept in this browser tab's session storage only.
import { useState } from 'preact/hooks';
import { Busy, Field, Problem, useAction } from '../components.tsx';
import { type Session, signIn } from '../session.ts';

export function SignInPage({
  onSignedIn,
  reason,
}: {
  onSignedIn: (session: Session) => void;
  reason?: string | undefined;
}) {
  const [key, setKey] = useState('');
  const action = useAction(async () => {
    onSignedIn(await signIn(key));
    return undefined;
  });
  return (
    <div class="signin">
      <h1>Support desk console</h1>
      <p>
        For the desk’s agents, finance and admins. Sign in with your API key; it is kept for this browser tab
        only.
      </p>
      {reason ? (
        <p role="alert" class="problem">
          {reason}
        </p>
      ) : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void action.run();
        }}
      >
        <Field
          label="API key"
          name="key"
          type="password"
          value={key}
          onValue={setKey}
          required
          autocomplete="current-password"
        />
        <button type="submit" disabled={action.busy}>
          Sign in
        </button>
        <Busy label="Checking the key…" when={action.busy} />
        <Problem error={action.error} />
      </form>
    </div>
  );
}
