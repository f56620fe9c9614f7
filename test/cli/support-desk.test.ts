import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['cli/support-desk.ts', ...args], { cwd: root, encoding: 'utf8' });

describe('support-desk catalog validate', () => {
  it('prints "FILE: ok (N plans)" for every example catalog and exits 0', () => {
    const files = ['performars', 'saastech', 'sales-layer', 'suitecrm', 'b2bee'].map(
      (n) => `examples/${n}.catalog.json`,
    );
    const run = cli('catalog', 'validate', ...files);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('examples/b2bee.catalog.json: ok (3 plans)');
    expect(run.stdout.trim().split('\n')).toHaveLength(5);
  });

  it('prints one "FILE: field: message" line per problem and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        id: 'x',
        vendor: 'X',
        description: 'd',
        currency: 'USD',
        billingTimeZone: 'Europe/Madrid',
        calendars: {},
        plans: [
          {
            id: 'p',
            name: 'P',
            severities: [{ id: 'P1', name: 'P1' }],
            defaultSeverity: 'P9',
            sla: { calendar: 'office' },
          },
        ],
      }),
    );
    const run = cli('catalog', 'validate', bad, 'examples/b2bee.catalog.json');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`${bad}: plans[0].defaultSeverity: "P9" is not in the plan's scale (P1)`);
    expect(run.stdout).toContain(`${bad}: plans[0].sla.calendar: unknown calendar "office"`);
    expect(run.stdout).toContain('examples/b2bee.catalog.json: ok (3 plans)');
  });

  it('reports unreadable and non-JSON files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const notJson = join(dir, 'x.json');
    writeFileSync(notJson, '{ nope');
    const run = cli('catalog', 'validate', notJson, join(dir, 'missing.json'));
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/x\.json: not JSON/);
    expect(run.stdout).toMatch(/missing\.json: cannot read: ENOENT/);
  });

  it('exits 2 on usage errors and 0 with --help', () => {
    expect(cli('catalog', 'validate').status).toBe(2);
    expect(cli('frobnicate').status).toBe(2);
    expect(cli('--nope').status).toBe(2);
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('support-desk catalog validate FILE...');
  });
});
