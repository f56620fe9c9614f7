// The table access rows (lib/table-access.ts): every function that touches the table has one, every
// partition named is one functions/store/keys.ts builds, and a function without a row fails the
// synth instead of getting the whole table.
import { App, Stack } from 'aws-cdk-lib';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, test } from 'vitest';
import { routeGroups } from '../../functions/api/routes.ts';
import { keys } from '../../functions/store/keys.ts';
import { GLOBAL_INDEXES } from '../../functions/store/table-definition.ts';
import { LAMBDA_ENTRIES } from '../../lib/functions.ts';
import { grantTableAccess, TABLE_ACCESS, tableAccessOf } from '../../lib/table-access.ts';

/** The partition patterns keys.ts can build: `TICKET#*` for `TICKET#<id>`, exact for fixed keys. */
function partitionsOfKeys(): Set<string> {
  const patterns = new Set<string>();
  for (const build of Object.values(keys) as ((...args: string[]) => { PK: string })[]) {
    const { PK } = build('x', 'y', 'z');
    patterns.add(PK.includes('#') ? `${PK.slice(0, PK.indexOf('#'))}#*` : PK);
    patterns.add(PK);
  }
  return patterns;
}

describe('rows', () => {
  test('every API route group and every function but the deploy-time custom resource has a row', () => {
    for (const group of Object.keys(routeGroups)) expect(TABLE_ACCESS[`api-${group}`], group).toBeDefined();
    const withoutTable = ['ses-receipt-rule-set'];
    for (const name of Object.keys(LAMBDA_ENTRIES).filter((n) => !withoutTable.includes(n))) {
      expect(TABLE_ACCESS[name], name).toBeDefined();
    }
  });

  test('every partition named is one keys.ts builds (or the health probe’s fixed key)', () => {
    const known = partitionsOfKeys();
    known.add('HEALTH');
    for (const [name, row] of Object.entries(TABLE_ACCESS)) {
      for (const partition of [...row.reads, ...row.writes])
        expect(known, `${name}: ${partition}`).toContain(partition);
      for (const index of row.indexes) {
        expect(
          GLOBAL_INDEXES.map((i) => i.indexName),
          `${name}: ${index}`,
        ).toContain(index);
      }
    }
  });

  test('API keys and month items are written only where they are made', () => {
    const writers = (partition: string) =>
      Object.entries(TABLE_ACCESS)
        .filter(([, row]) => row.writes.includes(partition))
        .map(([name]) => name);
    expect(writers('APIKEY#*')).toEqual(['api-admin']);
    expect(writers('MONTH#*')).toEqual(['exports-close-month']);
    expect(TABLE_ACCESS['api-exports']!.writes).toEqual([]);
    expect(TABLE_ACCESS['api-accounts']!.writes).toEqual([]);
  });
});

describe('a function without a row', () => {
  test('fails the synth with a message naming the row to write, and grants nothing', () => {
    const stack = new Stack(new App(), 'Missing');
    const table = new TableV2(stack, 'Table', { partitionKey: { name: 'PK', type: AttributeType.STRING } });
    const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    expect(() => grantTableAccess(role, table, 'api-reports')).toThrow(
      /api-reports has no row in TABLE_ACCESS \(lib\/table-access\.ts\)/,
    );
    expect(role.node.tryFindChild('DefaultPolicy')).toBeUndefined();
    expect(() => tableAccessOf('api-reports')).toThrow(/write down the partitions/);
  });
});
