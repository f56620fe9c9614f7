// What the queue shows of a ticket: its live SLA state, deadline and business time left. The queue
// API gives them with each item (`queue`); a ticket without them (any ticket view) is read from its clocks.

export interface Clock {
  metric?: string;
  state: string;
  dueAt?: string;
  warnAt?: string;
  remainingMs?: number;
  breachedAt?: string;
}

export interface TicketView {
  id: string;
  reference: string;
  accountId: string;
  subject: string;
  severity: string;
  kind: string;
  status: string;
  version: number;
  assignee: string | null;
  createdAt: string;
  updatedAt: string;
  planId?: string;
  channel?: string;
  entitlement?: { decision: string; reason: string };
  sla: Record<string, Clock | undefined>;
  [more: string]: unknown;
}

/** An item of GET /v1/queue: a ticket view plus the clock that decides its place, live. */
export interface QueueItem extends TicketView {
  queue: {
    state: string;
    metric: 'acknowledge' | 'firstResponse' | 'resolution' | null;
    dueAt: string | null;
    remainingMs: number | null;
  };
}

export interface QueueSla {
  state: string;
  dueAt: string | null;
  remainingMs: number | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const count = (value: unknown): number | null => (typeof value === 'number' ? value : null);

export function queueSlaOf(item: TicketView | QueueItem): QueueSla {
  const live = (item as Partial<QueueItem>).queue;
  if (live && typeof live === 'object' && typeof live.state === 'string') {
    return { state: live.state, dueAt: text(live.dueAt), remainingMs: count(live.remainingMs) };
  }
  const clocks = Object.values(item.sla ?? {}).filter(
    (clock): clock is Clock => !!clock && clock.state !== 'met',
  );
  const earliest = (list: Clock[]) =>
    [...list].sort((a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? ''))[0];
  const breached = clocks.filter((c) => c.state === 'breached');
  const running = clocks.filter((c) => c.state === 'running');
  const deciding = earliest(breached) ?? earliest(running) ?? earliest(clocks);
  if (!deciding) return { state: 'none', dueAt: null, remainingMs: null };
  const atRisk =
    deciding.state === 'running' && deciding.warnAt && deciding.warnAt <= new Date().toISOString();
  return {
    state: breached.length > 0 ? 'breached' : atRisk ? 'at_risk' : deciding.state,
    dueAt: deciding.dueAt ?? null,
    remainingMs: deciding.remainingMs ?? null,
  };
}
