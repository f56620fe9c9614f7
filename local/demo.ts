// Demo data for the one-machine runtime: the five example catalogs, one account per seed vendor on
// one of its plans with registered contacts, and one API key per role. Idempotent: a restart finds
// everything in place and reuses the keys recorded in <DATA_DIR>/demo.json.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAccountFor } from '../functions/app/accounts.ts';
import { saveCatalog } from '../functions/app/catalogs.ts';
import type { AppContext, Principal } from '../functions/app/context.ts';
import { ConflictError } from '../functions/domain/errors.ts';
import { addContact, getAccount } from '../functions/store/accounts.ts';
import { createApiKey, findApiKey, type Role, setStaffAddress } from '../functions/store/api-keys.ts';
import { getCatalog } from '../functions/store/catalogs.ts';

interface DemoAccountSpec {
  id: string;
  name: string;
  referencePrefix: string;
  catalogId: string;
  planId?: string;
  tier?: string;
  contacts: string[];
}

/** One account per seed vendor; the Performars one has no contract (pay per use, 000). */
const ACCOUNTS: DemoAccountSpec[] = [
  {
    id: 'demo-performars',
    name: 'Hanbit Retail',
    referencePrefix: 'PERF',
    catalogId: 'performars',
    planId: 'business',
    contacts: ['minji@hanbit.example', 'joon@hanbit.example'],
  },
  {
    id: 'demo-performars-ppu',
    name: 'Seoul Cafe (no contract)',
    referencePrefix: 'PPU',
    catalogId: 'performars',
    contacts: ['owner@seoulcafe.example'],
  },
  {
    id: 'demo-saastech',
    name: 'Lakeside Dental',
    referencePrefix: 'SAAS',
    catalogId: 'saastech',
    planId: 'managed-workplace-monthly',
    tier: 'credit-12h',
    contacts: ['it@lakeside.example'],
  },
  {
    id: 'demo-sales-layer',
    name: 'Moda Iberia',
    referencePrefix: 'SL',
    catalogId: 'sales-layer',
    planId: 'premium',
    contacts: ['pim@modaiberia.example', 'ana@modaiberia.example'],
  },
  {
    id: 'demo-suitecrm',
    name: 'Thames Logistics',
    referencePrefix: 'SCRM',
    catalogId: 'suitecrm',
    planId: 'dedicated-25h',
    contacts: ['crm@thames.example'],
  },
  {
    id: 'demo-b2bee',
    name: 'Jadran Foods',
    referencePrefix: 'B2B',
    catalogId: 'b2bee',
    planId: 'standard',
    contacts: ['ivana@jadran.example', 'marko@jadran.example'],
  },
];

/** The demo agent's staff address: notifications of tickets they have go there, replies from it count. */
const DEMO_AGENT_ADDRESS = 'agent@support-desk.localhost';

export interface DemoFile {
  apiUrl: string;
  smtp: { host: string; port: number };
  supportAddress: string;
  keys: { admin: string; agent: string; finance: string; customer: Record<string, string> };
  /** Staff addresses by role (the demo agent key's). */
  staff: { agent: string };
  accounts: { id: string; name: string; catalogId: string; planId: string | null; contacts: string[] }[];
}

const examplesDir = new URL('../examples/', import.meta.url);

async function loadCatalogs(app: AppContext): Promise<number> {
  let loaded = 0;
  for (const file of readdirSync(examplesDir)
    .filter((f) => f.endsWith('.catalog.json'))
    .sort()) {
    const input = JSON.parse(readFileSync(new URL(file, examplesDir), 'utf8'));
    // Keep what an admin changed since; load examples only where nothing is stored yet. Saving goes
    // through the admin use case, so holiday regions are expanded as for any catalog.
    if (await getCatalog(app.store, input.id)) continue;
    await saveCatalog(app, input.id, input);
    loaded++;
  }
  return loaded;
}

async function ensureKey(
  app: AppContext,
  previous: string | undefined,
  role: Role,
  name: string,
  accountId?: string,
) {
  if (previous && (await findApiKey(app.store, previous))) return previous;
  const { secret } = await createApiKey(
    app.store,
    { role, name, ...(accountId ? { accountId } : {}) },
    app.clock.now(),
  );
  return secret;
}

export async function ensureDemo(
  app: AppContext,
  options: { dataDir: string; apiUrl: string; smtpHost: string; smtpPort: number; supportAddress: string },
): Promise<DemoFile> {
  await loadCatalogs(app);
  const now = app.clock.now().toISOString();
  const admin: Principal = { role: 'admin', keyId: 'demo-setup' };
  for (const spec of ACCOUNTS) {
    if (!(await getAccount(app.store, spec.id))) {
      await createAccountFor(app, admin, {
        id: spec.id,
        name: spec.name,
        referencePrefix: spec.referencePrefix,
        catalogId: spec.catalogId,
        ...(spec.planId
          ? {
              contract: {
                planId: spec.planId,
                startDate: `${now.slice(0, 8)}01`,
                ...(spec.tier ? { tier: spec.tier } : {}),
              },
            }
          : {}),
      });
    }
    for (const email of spec.contacts) {
      try {
        await addContact(app.store, { accountId: spec.id, email, createdAt: now }, undefined);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
    }
  }

  const path = join(options.dataDir, 'demo.json');
  const previous: Partial<DemoFile> = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  const keys: DemoFile['keys'] = {
    admin: await ensureKey(app, previous.keys?.admin, 'admin', 'demo admin'),
    agent: await ensureKey(app, previous.keys?.agent, 'agent', 'demo agent'),
    finance: await ensureKey(app, previous.keys?.finance, 'finance', 'demo finance'),
    customer: {},
  };
  const agent = await findApiKey(app.store, keys.agent);
  if (agent && !agent.email) await setStaffAddress(app.store, agent.keyId, DEMO_AGENT_ADDRESS);
  for (const spec of ACCOUNTS) {
    keys.customer[spec.id] = await ensureKey(
      app,
      previous.keys?.customer?.[spec.id],
      'customer',
      `demo customer ${spec.id}`,
      spec.id,
    );
  }
  const demo: DemoFile = {
    apiUrl: options.apiUrl,
    smtp: { host: options.smtpHost, port: options.smtpPort },
    supportAddress: options.supportAddress,
    keys,
    staff: { agent: agent?.email ?? DEMO_AGENT_ADDRESS },
    accounts: ACCOUNTS.map((spec) => ({
      id: spec.id,
      name: spec.name,
      catalogId: spec.catalogId,
      planId: spec.planId ?? null,
      contacts: spec.contacts,
    })),
  };
  // The file holds API keys: readable by its owner only.
  writeFileSync(path, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
  return demo;
}
