// The SLA timers on one machine: the same sla-scheduler (reconciler) and sla-timer handlers as in
// AWS, wired to local adapters. A stream poller feeds the table's stream to the reconciler, which
// keeps timers in the table (local scheduler); a ticker fires what comes due on the runtime's clock;
// `POST /local/clock` moves that clock and fires everything due, answering when all is settled; the
// SLA sweeper then runs as it does every few minutes in AWS, catching any deadline a timer missed.
// The alerts of what the timers record are outbox items, delivered by the local outbox sender
// (local/outbox.ts) as .eml files, like every other mail.
//
// On start the stream is read from its oldest record: replaying is harmless (the reconciler
// converges on each ticket as it is now), and a ticket changed while the runtime was down still
// gets its timers. The clock's offset lives in the table, so a restart keeps the moved time.
import { Temporal } from 'temporal-polyfill';
import * as z from 'zod/mini';
import {
  type LocalScheduler,
  localScheduler,
  type StoredSchedule,
} from '../functions/adapters/scheduler-local.ts';
import { httpHandler } from '../functions/api/http.ts';
import { type AppContext, appContext } from '../functions/app/context.ts';
import { MovableClock } from '../functions/app/local-clock.ts';
import { ValidationError } from '../functions/domain/errors.ts';
import { parseWith } from '../functions/domain/validation.ts';
import type { DeskSettings } from '../functions/settings.ts';
import { log } from '../functions/shared/log.ts';
import { reconcilerHandler } from '../functions/sla/reconciler.ts';
import { sweeperHandler } from '../functions/sla/sweeper.ts';
import { timerHandler } from '../functions/sla/timer.ts';
import { createStoreContext, type StoreContext } from '../functions/store/context.ts';
import { getLocalClockOffset, saveLocalClock } from '../functions/store/local-runtime.ts';
import { getTicketsById } from '../functions/store/tickets.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local.ts';
import { type Route, starting } from './http-server.ts';
import { type StreamPoller, startStreamPoller } from './stream-poller.ts';

export interface SlaRuntimeOptions {
  /** DynamoDB Local's endpoint and the table (with its stream). */
  endpoint: string;
  tableName: string;
  /** The runtime's clock (the desk's); a new one when absent. */
  clock?: MovableClock;
  /** How often the real passing of time is checked for due timers; 0: only on `POST /local/clock`. */
  tickMs?: number;
  pollMs?: number;
  /** The desk's settings (the agents' alert addresses); the defaults when absent. */
  settings?: DeskSettings;
}

export interface SlaRuntime {
  /** `POST /local/clock` and `GET /local/clock`: local mode only, never deployed. */
  routes: Route[];
  clock: MovableClock;
  /** Waits for the reconciler to catch up and fires every timer due now, until nothing more is due. */
  settle(): Promise<number>;
  stop(): Promise<void>;
}

/** The routes the SLA runtime serves (local mode only). */
export const SLA_ROUTE_KEYS = ['POST /local/clock', 'GET /local/clock'] as const;

/**
 * The SLA routes for a server created before the runtime can start (`npm start` claims its HTTP
 * port before DynamoDB Local is up): they answer 503 until `attach` hands them the runtime.
 */
export function deferredSlaRoutes(): { routes: Route[]; attach(runtime: SlaRuntime): void } {
  let live: Map<string, Route['handler']> | undefined;
  const notYet: Route['handler'] = async (event) =>
    starting('The SLA runtime is starting; try again in a moment.', event.requestContext?.requestId);
  return {
    routes: SLA_ROUTE_KEYS.map((routeKey) => ({
      routeKey,
      public: true,
      handler: (event, context) => (live?.get(routeKey) ?? notYet)(event, context),
    })),
    attach(runtime) {
      live = new Map(runtime.routes.map((route) => [route.routeKey, route.handler]));
    },
  };
}

const clockBodySchema = z.union([
  z.strictObject({ advance: z.string().check(z.minLength(2), z.maxLength(40)) }),
  z.strictObject({ set: z.iso.datetime({ offset: true }) }),
]);

/** Milliseconds of an ISO 8601 duration; days are 24 hours here (a clock moves in real time). */
export function clockDurationMs(iso: string): number {
  let duration: Temporal.Duration;
  try {
    duration = Temporal.Duration.from(iso);
  } catch {
    throw ValidationError.field('advance', `must be an ISO 8601 duration such as PT2H or P1D, got "${iso}"`);
  }
  if (duration.years !== 0 || duration.months !== 0) {
    throw ValidationError.field('advance', 'years and months have no fixed length; use days or hours');
  }
  if (duration.sign < 0) throw ValidationError.field('advance', 'the clock only moves forward');
  return duration.total({ unit: 'milliseconds', relativeTo: Temporal.PlainDateTime.from('2000-01-01') });
}

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function restoreClock(store: StoreContext, clock: MovableClock): Promise<void> {
  const offset = await getLocalClockOffset(store);
  if (offset !== undefined && offset > clock.offset) clock.restore(offset);
}

function saveClock(store: StoreContext, clock: MovableClock): Promise<void> {
  return saveLocalClock(store, clock.offset, clock.now());
}

export async function startSlaRuntime(options: SlaRuntimeOptions): Promise<SlaRuntime> {
  const clock = options.clock ?? new MovableClock();
  const store = createStoreContext(options.tableName, {
    endpoint: options.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  await restoreClock(store, clock);
  const ctx: AppContext = appContext(store, clock, options.settings);
  const scheduler: LocalScheduler = localScheduler(store);

  const reconcile = reconcilerHandler({
    scheduler,
    currentTickets: (ids) => getTicketsById(store, ids),
    clock,
  });
  const fire = timerHandler({ context: () => ctx });
  const sweep = sweeperHandler({ context: () => ctx });
  const poller: StreamPoller = await startStreamPoller({
    endpoint: options.endpoint,
    tableName: options.tableName,
    start: 'TRIM_HORIZON',
    intervalMs: options.pollMs ?? 200,
    handle: reconcile,
  });

  /** Fires one timer through the sla-timer handler; deletes it after, or retries it later. */
  async function fireOne(schedule: StoredSchedule): Promise<void> {
    try {
      await fire(schedule.payload);
      await scheduler.completed(schedule);
    } catch (error) {
      const next = await scheduler.failed(schedule, clock.now());
      log(next === 'parked' ? 'error' : 'warn', 'local sla timer failed', {
        schedule: schedule.name,
        attempts: schedule.attempts + 1,
        next,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }

  // One firing pass at a time: a timer read as due by two passes would fire twice.
  let firing: Promise<unknown> = Promise.resolve();
  function fireDue(now: Date): Promise<number> {
    const pass = firing.then(async () => {
      const due = await scheduler.due(now);
      // One ticket's timers in order (warning before breach); tickets in parallel.
      const byTicket = new Map<string, StoredSchedule[]>();
      for (const schedule of due) {
        const list = byTicket.get(schedule.payload.ticketId) ?? [];
        list.push(schedule);
        byTicket.set(schedule.payload.ticketId, list);
      }
      await eachLimited([...byTicket.values()], 16, async (schedules) => {
        for (const schedule of schedules) await fireOne(schedule);
      });
      return due.length;
    });
    firing = pass.catch(() => undefined);
    return pass;
  }

  async function fireUntilQuiet(): Promise<number> {
    let fired = 0;
    // Firing changes tickets, whose stream records may move other timers: repeat until quiet.
    for (let round = 0; round < 20; round++) {
      await poller.caughtUp();
      const count = await fireDue(clock.now());
      fired += count;
      if (count === 0) return fired;
    }
    return fired;
  }

  async function settle(): Promise<number> {
    const fired = await fireUntilQuiet();
    // After the timers, as in AWS: whatever is still overdue past the grace had no timer.
    const { caught } = await sweep();
    return caught > 0 ? fired + (await fireUntilQuiet()) : fired;
  }

  let ticking = false;
  const ticker =
    (options.tickMs ?? 1_000) > 0
      ? setInterval(() => {
          if (ticking) return;
          ticking = true;
          fireDue(clock.now())
            .catch((error: unknown) =>
              log('error', 'local sla tick failed', {
                error: error instanceof Error ? error.name : 'unknown',
              }),
            )
            .finally(() => {
              ticking = false;
            });
        }, options.tickMs ?? 1_000)
      : undefined;

  const moveClock = httpHandler('local-clock', async (event) => {
    let body: unknown;
    try {
      body = JSON.parse(event.body ?? '');
    } catch {
      throw ValidationError.field('body', 'must be JSON: {"advance":"PT2H"} or {"set":"<ISO instant>"}');
    }
    const move = parseWith(clockBodySchema, body);
    // Timers for changes made before the move exist before the clock passes them.
    await poller.caughtUp();
    if ('advance' in move) clock.advance(clockDurationMs(move.advance));
    else {
      const target = new Date(move.set);
      if (target.getTime() < clock.now().getTime()) {
        throw ValidationError.field(
          'set',
          `the clock only moves forward; it is ${clock.now().toISOString()}`,
        );
      }
      clock.set(target);
    }
    await saveClock(store, clock);
    const fired = await settle();
    return { status: 200, body: { now: clock.now().toISOString(), fired } };
  });

  const readClock = httpHandler('local-clock', async () => ({
    status: 200,
    body: { now: clock.now().toISOString(), offsetMs: clock.offset },
  }));

  return {
    routes: [
      // Local mode only, like the rest of this runtime: no API key, never deployed.
      { routeKey: 'POST /local/clock', handler: moveClock, public: true },
      { routeKey: 'GET /local/clock', handler: readClock, public: true },
    ],
    clock,
    settle,
    async stop() {
      if (ticker) clearInterval(ticker);
      await firing;
      await poller.stop();
      store.doc.destroy();
    },
  };
}
