// Every account visible to the key (GET /v1/accounts, all pages), for pickers.
import { get } from './api.ts';

export interface Account {
  id: string;
  name: string;
  referencePrefix: string;
  catalogId: string;
  contract: { planId: string; startDate: string; tier?: string } | null;
  contactCount: number;
  version: number;
  createdAt: string;
}

export async function allAccounts(): Promise<Account[]> {
  const accounts: Account[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<{ items: Account[]; nextCursor?: string }>(
      `/v1/accounts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    accounts.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && accounts.length < 2000);
  return accounts;
}
