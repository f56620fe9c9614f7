// What each index copies (table-definition.ts): within DynamoDB's limits, and holding what the
// reads that rely on it ask for, so those reads need no second fetch.
import { describe, expect, test } from 'vitest';
import { ledgerEntrySchema } from '../../functions/domain/ledger.ts';
import {
  createTableInput,
  GLOBAL_INDEXES,
  MAX_INCLUDED_ATTRIBUTES,
  projectedAttributes,
} from '../../functions/store/table-definition.ts';

describe('index projections', () => {
  test('keys only, except the month index (at most 20 attributes included) and the queue index (whole items)', () => {
    const included = GLOBAL_INDEXES.flatMap((index) =>
      index.projection.type === 'INCLUDE' ? [...index.projection.attributes] : [],
    );
    expect(included.length).toBeLessThanOrEqual(100);
    for (const index of GLOBAL_INDEXES) {
      if (index.indexName === 'GSI5') expect(index.projection).toEqual({ type: 'ALL' });
      else if (index.indexName === 'GSI3') {
        expect(index.projection.type).toBe('INCLUDE');
        if (index.projection.type === 'INCLUDE')
          expect(index.projection.attributes.length).toBeLessThanOrEqual(MAX_INCLUDED_ATTRIBUTES);
      } else expect(index.projection).toEqual({ type: 'KEYS_ONLY' });
    }
  });

  test('the queue index returns whole items: a queue page decodes whole ticket records', () => {
    expect(projectedAttributes('GSI5')).toBeUndefined();
  });

  test('the month index holds every field of a ledger entry: the month close reads no item twice', () => {
    const held = projectedAttributes('GSI3')!;
    for (const name of Object.keys(ledgerEntrySchema.shape)) expect(held.has(name), name).toBe(true);
  });

  test('DynamoDB Local gets the same projections', () => {
    const input = createTableInput('t-projections');
    expect(input.GlobalSecondaryIndexes?.map((i) => i.Projection?.ProjectionType)).toEqual([
      'KEYS_ONLY',
      'KEYS_ONLY',
      'INCLUDE',
      'KEYS_ONLY',
      'ALL',
    ]);
  });
});
