// Who is signed in: the API key (kept in sessionStorage only, so it goes with the browser tab), its
// role and its public keyId. The role comes from the key itself and is confirmed by the API: the
// pages a role sees are the routes that role may call; the API decides every request anyway.
import { call, useKey } from './api.ts';

export type Role = 'customer' | 'agent' | 'finance' | 'admin';

export interface Session {
  key: string;
  role: Role;
  /** The first 16 hex digits of the key's SHA-256: the keyId the API assigns tickets to. */
  keyId: string;
}

const STORAGE = 'support-desk.session';

export function savedSession(): Session | undefined {
  try {
    const saved = sessionStorage.getItem(STORAGE);
    return saved ? (JSON.parse(saved) as Session) : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(STORAGE, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE);
}

async function keyIdOf(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return [...new Uint8Array(digest)]
    .slice(0, 8)
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('');
}

const status = async (path: string, options: Parameters<typeof call>[1] = {}): Promise<number> => {
  try {
    return (await call(path, options)).status;
  } catch (error) {
    const code = (error as { status?: number }).status ?? 0;
    if (code === 401 || code === 0 || code >= 500) throw error;
    return code;
  }
};

/**
 * The role of a key, asked of the API: routes check the role before they read the request, so a
 * request a role may not make answers 403 and one it may make with an empty body answers 400, and
 * nothing is changed either way.
 */
async function roleOf(): Promise<Role> {
  if ((await status('/v1/accounts?limit=1')) === 403) return 'customer';
  if ((await status('/v1/quarantine?limit=1')) === 403) return 'finance';
  return (await status('/v1/api-keys', { method: 'POST', body: {} })) === 403 ? 'agent' : 'admin';
}

/** Signs in with `key` (the API must accept it); rejects with the API's error in words. */
export async function signIn(key: string): Promise<Session> {
  const trimmed = key.trim();
  useKey(trimmed);
  const prefix = /^sd_(customer|agent|finance|admin)_/.exec(trimmed)?.[1] as Role | undefined;
  // Every role may list tickets by status: this proves the key, whatever its role.
  await call('/v1/tickets?limit=1&status=new');
  const role = prefix ?? (await roleOf());
  return { key: trimmed, role, keyId: await keyIdOf(trimmed) };
}
