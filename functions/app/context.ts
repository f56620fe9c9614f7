// What every use case gets: the store, the clock (one clock port: the local runtime can move it),
// an id source and the deployment's settings. Entry points build it once per container.
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../domain/errors.ts';
import { type DeskSettings, defaultSettings } from '../settings.ts';
import type { Role } from '../store/api-keys.ts';
import type { StoreContext } from '../store/context.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface AppContext {
  store: StoreContext;
  clock: Clock;
  newId(): string;
  settings: DeskSettings;
}

export function appContext(
  store: StoreContext,
  clock: Clock = systemClock,
  settings: DeskSettings = defaultSettings(),
): AppContext {
  return { store, clock, newId: () => randomUUID(), settings };
}

/** Who is calling: the role of their API key and, for customers, the one account they may see. */
export interface Principal {
  role: Role;
  keyId: string;
  accountId?: string;
  /** Staff keys: the name customers see on their messages. */
  displayName?: string;
}

/**
 * Customers see only their own account; anything else is "not found" (never "forbidden"), so a key
 * cannot even learn that another account's ticket exists.
 */
export function assertCanSee(principal: Principal, accountId: string, what: string): void {
  if (principal.role === 'customer' && principal.accountId !== accountId) throw new NotFoundError(what);
}
