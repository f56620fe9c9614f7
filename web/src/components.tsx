// The console's building blocks: loading data with progress and errors, form fields whose errors
// sit next to them (and are announced), live countdowns, and the two pictures (usage against
// allowance, SLA clocks on a timeline) drawn as inline SVG.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useId, useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import { clock, instant, quantity, words } from './format.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads with `load` whenever `deps` change; errors become ApiErrors in words. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  // Callers name what the load depends on: a new `load` closure each render must not reload.
  useEffect(() => {
    let live = true;
    setState((before) => ({ ...before, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error: asApiError(error), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, error instanceof Error ? error.message : String(error), [], {});
}

/** An action's state: running (progress shown), its error in words, or what it achieved. */
export function useAction<A extends unknown[]>(
  act: (...args: A) => Promise<string | undefined>,
): {
  run: (...args: A) => Promise<void>;
  busy: boolean;
  error: ApiError | undefined;
  done: string | undefined;
  reset: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<string>();
  const run = async (...args: A) => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      setDone(await act(...args));
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  return {
    run,
    busy,
    error,
    done,
    reset: () => {
      setError(undefined);
      setDone(undefined);
    },
  };
}

export function Problem({ error, id }: { error: ApiError | undefined; id?: string }) {
  if (!error) return null;
  return (
    <p class="problem" role="alert" id={id}>
      {error.message}
    </p>
  );
}

export function Done({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <p class="done" role="status">
      {text}
    </p>
  );
}

export function Busy({ label, when = true }: { label: string; when?: boolean }) {
  if (!when) return null;
  return (
    <p class="busy" role="status">
      <progress aria-label={label} /> {label}
    </p>
  );
}

/** The errors the API named for fields that have no input on the form, listed by name. */
export function OtherFieldErrors({ error, shown }: { error: ApiError | undefined; shown: string[] }) {
  const rest = error?.errors.filter((e) => !shown.includes(e.field)) ?? [];
  if (rest.length === 0) return null;
  return (
    <ul class="problem field-errors" aria-label="Fields at fault">
      {rest.map((e) => (
        <li key={e.field}>
          <code>{e.field}</code>: {e.message}
        </li>
      ))}
    </ul>
  );
}

interface FieldProps {
  label: string;
  name: string;
  value: string;
  onValue: (value: string) => void;
  error?: ApiError | undefined;
  type?: 'text' | 'email' | 'number' | 'date' | 'month' | 'password';
  required?: boolean;
  options?: [string, string][];
  multiline?: number;
  hint?: string;
  min?: number;
  max?: number;
  placeholder?: string;
  autocomplete?: string;
}

/** A labelled input; the API's error for `name` is shown under it and tied to it for screen readers. */
export function Field(props: FieldProps) {
  const id = useId();
  const message = props.error?.field(props.name);
  const describedBy = [message ? `${id}-error` : '', props.hint ? `${id}-hint` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name: props.name,
    value: props.value,
    required: props.required,
    'aria-invalid': message ? true : undefined,
    'aria-describedby': describedBy || undefined,
    autocomplete: props.autocomplete,
  };
  const onInput = (event: Event) => props.onValue((event.currentTarget as HTMLInputElement).value);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.options ? (
        <select {...common} onChange={onInput}>
          {props.options.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      ) : props.multiline ? (
        <textarea {...common} rows={props.multiline} onInput={onInput} placeholder={props.placeholder} />
      ) : (
        <input
          {...common}
          type={(props.type ?? 'text') as 'text'}
          min={props.min}
          max={props.max}
          onInput={onInput}
          placeholder={props.placeholder}
        />
      )}
      {props.hint ? (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      ) : null}
      {message ? (
        <small id={`${id}-error`} class="field-error">
          {props.name}: {message}
        </small>
      ) : null}
    </div>
  );
}

export function Section({
  title,
  children,
  id,
}: {
  title: string;
  children: ComponentChildren;
  id?: string;
}) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} id={id}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

/** The current time, ticking once a second while mounted (countdowns). */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export const STATE_WORDS: Record<string, string> = {
  breached: 'Breached',
  at_risk: 'At risk',
  running: 'Running',
  paused: 'Paused',
  met: 'Met',
  none: 'No clock',
};

export function StateBadge({ state }: { state: string }) {
  return <span class={`badge state-${state}`}>{STATE_WORDS[state] ?? words(state)}</span>;
}

/**
 * Time left to `dueAt`, counting down live. The API's `remainingMs` is business time (it stops out
 * of hours); the countdown shows wall-clock time to the deadline, which is what runs out.
 */
export function Countdown({
  dueAt,
  state,
  loadedAt,
  skewMs = 0,
}: {
  dueAt: string | null;
  state: string;
  loadedAt: number;
  /** The desk's clock minus this browser's (the local runtime's clock can be moved). */
  skewMs?: number;
}) {
  const now = useNow();
  if (!dueAt) return <span class="muted">—</span>;
  if (state === 'paused') return <span class="muted">paused</span>;
  const left = new Date(dueAt).getTime() - (Math.max(now, loadedAt) + skewMs);
  return (
    <time dateTime={dueAt} class={left < 0 ? 'overdue' : ''} title={instant(dueAt)}>
      {left < 0 ? `${clock(-left)} overdue` : clock(left)}
    </time>
  );
}

export interface PoolBar {
  label: string;
  used: number;
  allowance: number;
  unit: string;
}

/** Usage against allowance, one bar per pool; the numbers are in the text too. */
export function UsageChart({ bars, title }: { bars: PoolBar[]; title: string }) {
  if (bars.length === 0) return <p class="muted">No pools on this plan (pay per use).</p>;
  const row = 34;
  const width = 560;
  const left = 190;
  const scale = (value: number, top: number) =>
    top <= 0 ? 0 : (Math.min(value, top) / top) * (width - left - 20);
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${width} ${bars.length * row + 10}`}
        role="img"
        aria-label={`${title}: ${bars.map((b) => `${b.label} ${quantity(b.used, b.unit)} of ${quantity(b.allowance, b.unit)}`).join('; ')}`}
      >
        {bars.map((bar, i) => {
          const top = Math.max(bar.allowance, bar.used, 1);
          const over = bar.used > bar.allowance;
          return (
            <g key={bar.label} transform={`translate(0 ${i * row + 5})`}>
              <text x={0} y={17} class="chart-label">
                {bar.label.length > 28 ? `${bar.label.slice(0, 27)}…` : bar.label}
              </text>
              <rect x={left} y={4} width={scale(bar.allowance, top)} height={18} class="chart-allowance" />
              <rect
                x={left}
                y={4}
                width={scale(bar.used, top)}
                height={18}
                class={over ? 'chart-used over' : 'chart-used'}
                data-used={bar.used}
              />
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="chart-legend">
          {bars.map((bar) => (
            <li key={bar.label} data-pool={bar.label}>
              <strong>{bar.label}</strong>: {quantity(bar.used, bar.unit)} used of{' '}
              {quantity(bar.allowance, bar.unit)}
              {bar.used > bar.allowance ? ' (over the allowance)' : ''}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

export interface ClockView {
  metric: string;
  state: string;
  dueAt?: string;
  warnAt?: string;
  metAt?: string;
  breachedAt?: string;
  remainingMs?: number;
}

/** The ticket's SLA clocks on one time axis: from the ticket's start to the last deadline, and now. */
export function SlaTimeline({ start, clocks }: { start: string; clocks: ClockView[] }) {
  const now = useNow();
  const times = clocks.flatMap((c) => [c.dueAt, c.metAt, c.breachedAt, c.warnAt]).filter(Boolean) as string[];
  const from = new Date(start).getTime();
  const to = Math.max(now, ...times.map((t) => new Date(t).getTime()), from + 60_000);
  const width = 600;
  const left = 120;
  const x = (iso: string | number) =>
    left + ((new Date(iso).getTime() - from) / (to - from)) * (width - left - 20);
  const row = 30;
  return (
    <figure class="timeline">
      <svg
        viewBox={`0 0 ${width} ${clocks.length * row + 30}`}
        role="img"
        aria-label={`SLA clocks from ${instant(start)}: ${clocks.map((c) => `${words(c.metric)} ${STATE_WORDS[c.state] ?? c.state}, due ${instant(c.dueAt)}`).join('; ')}`}
      >
        {clocks.map((clock, i) => {
          const y = i * row + 10;
          const end = clock.metAt ?? clock.dueAt;
          return (
            <g key={clock.metric} class={`clock state-${clock.state}`}>
              <text x={0} y={y + 12} class="chart-label">
                {words(clock.metric)}
              </text>
              {end ? (
                <rect x={left} y={y + 2} width={Math.max(2, x(end) - left)} height={14} class="clock-bar" />
              ) : null}
              {clock.warnAt ? (
                <line x1={x(clock.warnAt)} x2={x(clock.warnAt)} y1={y} y2={y + 18} class="clock-warn" />
              ) : null}
              {clock.dueAt ? (
                <line x1={x(clock.dueAt)} x2={x(clock.dueAt)} y1={y - 2} y2={y + 20} class="clock-due" />
              ) : null}
            </g>
          );
        })}
        <line x1={x(now)} x2={x(now)} y1={0} y2={clocks.length * row + 10} class="clock-now" />
        <text x={Math.min(x(now) + 3, width - 30)} y={clocks.length * row + 24} class="chart-label">
          now
        </text>
      </svg>
      <figcaption>
        <table>
          <caption class="visually-hidden">SLA clocks</caption>
          <thead>
            <tr>
              <th scope="col">Clock</th>
              <th scope="col">State</th>
              <th scope="col">Warning</th>
              <th scope="col">Due</th>
              <th scope="col">Met or breached</th>
            </tr>
          </thead>
          <tbody>
            {clocks.map((clock) => (
              <tr key={clock.metric}>
                <th scope="row">{words(clock.metric)}</th>
                <td>
                  <StateBadge state={clock.state} />
                </td>
                <td>{instant(clock.warnAt)}</td>
                <td>{instant(clock.dueAt)}</td>
                <td>{instant(clock.metAt ?? clock.breachedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </figcaption>
    </figure>
  );
}
