// Admin: the catalogs accounts are on, and uploading a catalog (calendars and plans). The desk
// validates a catalog whole on upload and stores nothing when any field is wrong; every error it
// finds is listed here by its field (`plans[0].sla.targets.P1.resolution.within`).
import { useState } from 'preact/hooks';
import { allAccounts } from '../accounts.ts';
import { ApiError, call, get } from '../api.ts';
import { Busy, Done, OtherFieldErrors, Problem, Section, useAction, useLoad } from '../components.tsx';
import { instant } from '../format.ts';

interface Stored {
  version: number;
  updatedAt: string;
  catalog: { id: string; name?: string; plans: { id: string }[]; calendars: unknown };
}

async function knownCatalogs(): Promise<Stored[]> {
  const ids = [...new Set((await allAccounts()).map((account) => account.catalogId))].sort();
  return Promise.all(ids.map((id) => get<Stored>(`/v1/catalogs/${encodeURIComponent(id)}`)));
}

/** What can be told before sending: the text is JSON and names its catalog. */
function check(text: string): { id: string; summary: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ApiError(0, `The file is not JSON: ${(error as Error).message}`, [], {});
  }
  const catalog = parsed as { id?: unknown; plans?: unknown; calendars?: unknown };
  if (!catalog || typeof catalog !== 'object' || Array.isArray(catalog)) {
    throw new ApiError(0, 'A catalog is a JSON object with id, calendars and plans.', [], {});
  }
  if (typeof catalog.id !== 'string' || catalog.id === '') {
    throw new ApiError(
      0,
      'The catalog has no id: it decides where it is stored.',
      [{ field: 'id', message: 'is required' }],
      {},
    );
  }
  const plans = Array.isArray(catalog.plans) ? catalog.plans.length : 0;
  const calendars =
    catalog.calendars && typeof catalog.calendars === 'object' ? Object.keys(catalog.calendars).length : 0;
  return { id: catalog.id, summary: `Catalog “${catalog.id}”: ${plans} plan(s), ${calendars} calendar(s).` };
}

export function CatalogsPage() {
  const [round, setRound] = useState(0);
  const catalogs = useLoad(knownCatalogs, [round]);
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('');
  const validate = useAction(async () => `${check(text).summary} Upload it to have every field validated.`);
  const upload = useAction(async () => {
    const { id } = check(text);
    const answer = await call<Stored>(`/v1/catalogs/${encodeURIComponent(id)}`, { method: 'PUT', text });
    setRound((n) => n + 1);
    return `${answer.status === 201 ? 'Created' : 'Replaced'} catalog ${id}, version ${answer.data.version}.`;
  });
  const error = upload.error ?? validate.error;
  return (
    <>
      <h1>Catalogs</h1>
      <Section title="Upload a catalog">
        <form
          aria-label="Upload a catalog"
          onSubmit={(event) => {
            event.preventDefault();
            validate.reset();
            void upload.run();
          }}
        >
          <div class="field">
            <label for="catalog-file">Catalog file</label>
            <input
              id="catalog-file"
              type="file"
              accept="application/json,.json"
              onChange={async (event) => {
                const file = (event.currentTarget as HTMLInputElement).files?.[0];
                if (!file) return;
                setFileName(file.name);
                setText(await file.text());
                upload.reset();
                validate.reset();
              }}
            />
          </div>
          <div class="field">
            <label for="catalog-text">Catalog JSON</label>
            <textarea
              id="catalog-text"
              rows={10}
              class="mono"
              value={text}
              aria-describedby={error ? 'catalog-errors' : undefined}
              onInput={(event) => setText((event.currentTarget as HTMLTextAreaElement).value)}
            />
            {fileName ? <small class="hint">From {fileName}</small> : null}
          </div>
          <div class="buttons">
            <button
              type="button"
              class="secondary"
              onClick={() => {
                upload.reset();
                void validate.run();
              }}
            >
              Check
            </button>
            <button type="submit" disabled={upload.busy || text.trim() === ''}>
              Upload
            </button>
          </div>
          <Busy
            label="Validating and saving the catalog (holiday regions are expanded)…"
            when={upload.busy}
          />
          <div id="catalog-errors">
            <Problem error={error} />
            <OtherFieldErrors error={error} shown={[]} />
          </div>
          <Done text={upload.done ?? validate.done} />
        </form>
      </Section>
      <Section title="Catalogs in use">
        <Busy label="Loading catalogs…" when={catalogs.loading} />
        <Problem error={catalogs.error} />
        {catalogs.data ? (
          <table>
            <caption>Catalogs the accounts are on</caption>
            <thead>
              <tr>
                <th scope="col">Catalog</th>
                <th scope="col">Version</th>
                <th scope="col">Plans</th>
                <th scope="col">Calendars</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {catalogs.data.map((stored) => (
                <tr key={stored.catalog.id}>
                  <th scope="row">
                    {stored.catalog.name
                      ? `${stored.catalog.name} (${stored.catalog.id})`
                      : stored.catalog.id}
                  </th>
                  <td>{stored.version}</td>
                  <td>{stored.catalog.plans.map((p) => p.id).join(', ')}</td>
                  <td>
                    {Array.isArray(stored.catalog.calendars)
                      ? stored.catalog.calendars.length
                      : Object.keys(stored.catalog.calendars ?? {}).length}
                  </td>
                  <td>{instant(stored.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
    </>
  );
}
