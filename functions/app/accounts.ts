// Account administration: create an account (unique reference prefix, idempotent), read and list
// accounts, set and cancel the contract, record prepaid bundles, and register or remove contacts
// within the plan's limit (004).

import { newBundleCounter, parseBundle } from '../domain/bundles.ts';
import type { Catalog } from '../domain/catalog.ts';
import { planById } from '../domain/catalog.ts';
import { type Contract, parseContract } from '../domain/contract.ts';
import { ConflictError, NotFoundError, ValidationError, VersionConflictError } from '../domain/errors.ts';
import { localDateOf } from '../domain/period.ts';
import { ACCOUNT_WRITE, createAccountOps, PREFIX_WRITE } from '../store/account-creation.ts';
import {
  type AccountRecord,
  addBundle,
  addContact,
  type ContactRecord,
  getAccount,
  getAccountState,
  listAccounts,
  removeContact,
  saveAccount,
} from '../store/accounts.ts';
import { getCatalog, requireCatalog } from '../store/catalogs.ts';
import {
  findIdempotentResponse,
  idempotencyOp,
  requestHash,
  type StoredResponse,
} from '../store/idempotency.ts';
import type { Page, PageRequest } from '../store/query.ts';
import { ConcurrentChangeError, commitThroughConflicts } from '../store/transact.ts';
import { type AppContext, assertCanSee, type Principal } from './context.ts';
import { bundleBalance } from './usage.ts';

/** Unforced contract saves retry a lost race this many times (a contact added meanwhile). */
const SAVE_ATTEMPTS = 5;

export function accountView(account: AccountRecord) {
  return {
    id: account.id,
    name: account.name,
    referencePrefix: account.referencePrefix,
    catalogId: account.catalogId,
    contract: account.contract ?? null,
    contactCount: account.contactCount,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
    version: account.version,
  };
}

export function contactView(contact: ContactRecord) {
  return {
    email: contact.email,
    ...(contact.name ? { name: contact.name } : {}),
    createdAt: contact.createdAt,
  };
}

/** An account the principal may see; customers asking for another account get "not found". */
export async function loadAccount(ctx: AppContext, principal: Principal, accountId: string) {
  assertCanSee(principal, accountId, `account ${accountId}`);
  const account = await getAccount(ctx.store, accountId);
  if (!account) throw new NotFoundError(`account ${accountId}`);
  return account;
}

export function listAccountsPage(ctx: AppContext, options: PageRequest): Promise<Page<AccountRecord>> {
  return listAccounts(ctx.store, options);
}

/** The contract as checked against the catalog, its issues named under `field`. */
function checkedContract(
  catalog: Catalog,
  accountId: string,
  input: Omit<Contract, 'accountId'>,
  field: string,
): Contract {
  try {
    return parseContract(catalog, { ...input, accountId });
  } catch (error) {
    if (!(error instanceof ValidationError) || !field) throw error;
    throw new ValidationError(error.issues.map((i) => ({ ...i, field: `${field}.${i.field}` })));
  }
}

export interface NewAccount {
  id?: string | undefined;
  name: string;
  referencePrefix: string;
  catalogId: string;
  contract?: Omit<Contract, 'accountId'> | undefined;
}

/**
 * Creates an account, claiming its reference prefix in the same transaction. With an
 * Idempotency-Key the response is recorded there too: a retry answers the same, and two racing
 * requests with one key create one account.
 */
export async function createAccountFor(
  ctx: AppContext,
  principal: Principal,
  input: NewAccount,
  idempotencyKey?: string,
): Promise<StoredResponse> {
  const hash = requestHash(input);
  if (idempotencyKey) {
    const prior = await findIdempotentResponse(ctx.store, principal.keyId, idempotencyKey, hash);
    if (prior) return prior;
  }
  const stored = await getCatalog(ctx.store, input.catalogId);
  if (!stored) throw ValidationError.field('catalogId', `no catalog "${input.catalogId}"`);
  const id = input.id ?? ctx.newId();
  const now = ctx.clock.now();
  const account: AccountRecord = {
    id,
    name: input.name,
    referencePrefix: input.referencePrefix,
    catalogId: input.catalogId,
    ...(input.contract ? { contract: checkedContract(stored.catalog, id, input.contract, 'contract') } : {}),
    contactCount: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  };
  const response: StoredResponse = { status: 201, body: accountView(account) };
  const ops = createAccountOps(ctx.store, account);
  if (idempotencyKey) {
    ops.push(
      idempotencyOp(
        ctx.store,
        principal.keyId,
        idempotencyKey,
        { requestHash: hash, response, createdAt: now.toISOString() },
        now,
      ),
    );
  }
  try {
    await commitThroughConflicts(ctx.store, ops);
  } catch (error) {
    if (!(error instanceof ConcurrentChangeError)) throw error;
    if (idempotencyKey && error.lost('idempotency')) {
      const replay = await findIdempotentResponse(ctx.store, principal.keyId, idempotencyKey, hash);
      if (replay) return replay;
    }
    if (error.lost(ACCOUNT_WRITE)) throw new ConflictError(`account ${id} already exists`);
    if (error.lost(PREFIX_WRITE)) {
      throw new ConflictError(`reference prefix ${account.referencePrefix} belongs to another account`);
    }
    throw error;
  }
  return response;
}

/**
 * Sets the account's contract, checked against its catalog. With `ifMatch` (the account version) a
 * stale read is a 412; without it a lost race (a contact added meanwhile) re-reads and saves again.
 */
export async function setContract(
  ctx: AppContext,
  accountId: string,
  input: Omit<Contract, 'accountId' | 'cancelledAt'>,
  ifMatch?: number,
): Promise<AccountRecord> {
  for (let attempt = 1; ; attempt++) {
    const account = await getAccount(ctx.store, accountId);
    if (!account) throw new NotFoundError(`account ${accountId}`);
    if (ifMatch !== undefined && ifMatch !== account.version) {
      throw new VersionConflictError(`account ${accountId}`, account.version);
    }
    const { catalog } = await requireCatalog(ctx.store, account.catalogId);
    const contract = checkedContract(catalog, accountId, input, '');
    // The same contract changed (a tier, say) stays cancelled; a new plan or start is a new contract.
    const previous = account.contract;
    const same = previous?.planId === contract.planId && previous.startDate === contract.startDate;
    if (same && previous?.cancelledAt) contract.cancelledAt = previous.cancelledAt;
    const changed = { ...account, contract, updatedAt: ctx.clock.now().toISOString() };
    try {
      return await saveAccount(ctx.store, changed, account.version);
    } catch (error) {
      if (!(error instanceof VersionConflictError) || ifMatch !== undefined || attempt >= SAVE_ATTEMPTS)
        throw error;
    }
  }
}

/**
 * Cancels the account's contract: it runs to the end of the current term and does not renew (003:
 * cancel any time; no refund). Cancelling again keeps the first date.
 */
export async function cancelContract(
  ctx: AppContext,
  accountId: string,
  ifMatch?: number,
): Promise<AccountRecord> {
  for (let attempt = 1; ; attempt++) {
    const account = await getAccount(ctx.store, accountId);
    if (!account) throw new NotFoundError(`account ${accountId}`);
    if (!account.contract) throw new NotFoundError(`contract of account ${accountId}`);
    if (ifMatch !== undefined && ifMatch !== account.version) {
      throw new VersionConflictError(`account ${accountId}`, account.version);
    }
    if (account.contract.cancelledAt) return account;
    const now = ctx.clock.now().toISOString();
    const changed = { ...account, contract: { ...account.contract, cancelledAt: now }, updatedAt: now };
    try {
      return await saveAccount(ctx.store, changed, account.version);
    } catch (error) {
      if (!(error instanceof VersionConflictError) || ifMatch !== undefined || attempt >= SAVE_ATTEMPTS)
        throw error;
    }
  }
}

/**
 * Records a prepaid bundle the customer bought (001: 12- or 40-hour credit; 003: more hours), checked
 * against the plan of the account's contract. The same id recorded again answers the same bundle.
 */
export async function recordBundle(
  ctx: AppContext,
  accountId: string,
  input: unknown,
): Promise<{ created: boolean; bundle: ReturnType<typeof bundleBalance> }> {
  const account = await getAccount(ctx.store, accountId);
  if (!account) throw new NotFoundError(`account ${accountId}`);
  const { catalog } = await requireCatalog(ctx.store, account.catalogId);
  const planId = account.contract?.planId ?? catalog.payPerUse?.plan;
  const plan = planId === undefined ? undefined : planById(catalog, planId);
  if (!plan) throw ValidationError.field('hours', 'the account has no plan to record bundles on');
  const { id, ...bundle } = parseBundle(plan, input);
  const counter = newBundleCounter(id ?? ctx.newId(), bundle);
  const saved = await addBundle(ctx.store, accountId, counter);
  const today = localDateOf(ctx.clock.now(), catalog.billingTimeZone);
  return { created: saved.created, bundle: bundleBalance(saved.counter, today) };
}

/** The registered-person limit of the plan that governs the account (undefined: none). */
function contactLimit(catalog: Catalog, account: AccountRecord): number | undefined {
  const planId = account.contract?.planId ?? catalog.payPerUse?.plan;
  const plan = planId === undefined ? undefined : planById(catalog, planId);
  return plan?.contacts?.max;
}

export async function contactsOf(ctx: AppContext, principal: Principal, accountId: string) {
  assertCanSee(principal, accountId, `account ${accountId}`);
  const state = await getAccountState(ctx.store, accountId);
  if (!state) throw new NotFoundError(`account ${accountId}`);
  const { catalog } = await requireCatalog(ctx.store, state.account.catalogId);
  return {
    items: state.contacts.sort((a, b) => a.email.localeCompare(b.email)).map(contactView),
    max: contactLimit(catalog, state.account) ?? null,
  };
}

/** Registers a contact; the plan's limit is enforced in the write itself (concurrency-safe). */
export async function registerContact(
  ctx: AppContext,
  accountId: string,
  input: { email: string; name?: string | undefined },
): Promise<ContactRecord> {
  const account = await getAccount(ctx.store, accountId);
  if (!account) throw new NotFoundError(`account ${accountId}`);
  const { catalog } = await requireCatalog(ctx.store, account.catalogId);
  return addContact(
    ctx.store,
    {
      accountId,
      email: input.email.toLowerCase(),
      ...(input.name ? { name: input.name } : {}),
      createdAt: ctx.clock.now().toISOString(),
    },
    contactLimit(catalog, account),
  );
}

export function unregisterContact(ctx: AppContext, accountId: string, email: string): Promise<void> {
  return removeContact(ctx.store, accountId, email.toLowerCase());
}
