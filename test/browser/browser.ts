// What every browser test uses: Debian's Chromium driven by playwright-core (Playwright's own
// browser download cannot work offline), a page that records every error and Content-Security-Policy
// violation, sign-in as a person does it, and the axe-core accessibility check.
import axe from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

export const desk = () => inject('desk');

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Watched {
  page: Page;
  context: BrowserContext;
  /** Uncaught errors and console errors, CSP violations among them ("Refused to ..."). */
  problems: string[];
}

/** A fresh browser context (its own sessionStorage) with a page whose errors are recorded. */
export async function openPage(
  browser: Browser,
  options: { acceptDownloads?: boolean } = {},
): Promise<Watched> {
  const context = await browser.newContext({
    acceptDownloads: options.acceptDownloads ?? false,
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A failed API call is logged by the browser as a resource error; the page shows it in words.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  return { page, context, problems };
}

export async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(`${desk().base}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect
    .poll(() => page.getByRole('button', { name: 'Sign out' }).count(), { timeout: 20_000 })
    .toBe(1);
}

/** axe-core's own source, evaluated in the page. */
const axeSource = axe.source;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's WCAG 2.1 A/AA and best-practice rules on the page as it is; returns the serious and
 * critical violations, described. (Evaluated through the DevTools protocol, which the page's CSP does not govern.)
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run: (options: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run({ resultTypes: ['violations'] });
    return result.violations;
  })) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Calls the API as a script would (test setup that a person would not click through). */
export async function api<T>(
  path: string,
  key: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(`${desk().base}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** Where screenshots go when SCREENSHOTS names a folder (docs/console when the docs are refreshed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.SCREENSHOTS;
  if (!folder) return;
  await page.screenshot({ path: `${folder}/${name}.png`, fullPage: false });
}
