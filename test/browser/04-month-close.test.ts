// Finance closes the books: the local clock moves past the month's end (POST /local/clock), the month
// closes, and its export downloads from the console as CSV and JSON, the same bytes the API serves.
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { desk, launch, openPage, screenshot, seriousViolations, signIn } from './browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

test('a month closed with the local clock downloads as CSV and JSON', async () => {
  const clock = (await (await fetch(`${desk().base}/local/clock`)).json()) as { now: string };
  const now = new Date(clock.now);
  const month = now.toISOString().slice(0, 7);
  // Months close in UTC here (EXPORT_TIME_ZONE's default): two hours into the next month.
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 2));
  const moved = await fetch(`${desk().base}/local/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ set: next.toISOString() }),
  });
  expect(moved.status).toBe(200);
  expect(((await moved.json()) as { closedMonths: unknown }).closedMonths).toEqual(
    expect.arrayContaining([expect.objectContaining({ month })]),
  );

  const { page, context, problems } = await openPage(browser, { acceptDownloads: true });
  await signIn(page, desk().keys.finance);
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Exports' }).click();
  const row = page.locator(`tr[data-month="${month}"]`);
  await expect.poll(() => row.innerText()).toContain('closed');
  expect(await page.locator(`tr[data-month="${next.toISOString().slice(0, 7)}"]`).innerText()).toContain(
    'open',
  );
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'exports');

  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    row.getByRole('button', { name: `Download ${month} as CSV` }).click(),
  ]);
  expect(csv.suggestedFilename()).toBe(`usage-${month}.csv`);
  const csvText = readFileSync((await csv.path())!, 'utf8');
  expect(csvText.split('\n')[0]).toMatch(/^month,account_id,plan_id,line_type,adjusts_month/);
  const served = await fetch(`${desk().base}/v1/exports/${month}`, {
    headers: { authorization: `Bearer ${desk().keys.finance}`, accept: 'text/csv' },
  });
  expect(csvText).toBe(await served.text());
  await expect
    .poll(() => page.getByRole('status').allInnerTexts())
    .toEqual(expect.arrayContaining([expect.stringContaining(`Downloaded usage-${month}.csv`)]));

  const [json] = await Promise.all([
    page.waitForEvent('download'),
    row.getByRole('button', { name: `Download ${month} as JSON` }).click(),
  ]);
  const parsed = JSON.parse(readFileSync((await json.path())!, 'utf8')) as {
    month: string;
    accounts: unknown[];
  };
  expect(parsed.month).toBe(month);
  expect(Array.isArray(parsed.accounts)).toBe(true);
  expect(problems).toEqual([]);
  await context.close();
});
