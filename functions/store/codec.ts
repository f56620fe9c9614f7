// How an entity goes into the table and comes back: one codec per item kind. Writing adds the item's
// keys, index attributes and `type` (all built in keys.ts); reading strips them and checks the rest
// against the entity's schema, so a record handed to a use case has the type it claims, and an item
// that does not is reported by kind and field (never by content) instead of travelling on.
import * as z from 'zod/mini';
import '../domain/zod-mini.ts';
import { type IndexKeys, type ItemKey, KEY_ATTRIBUTES } from './keys.ts';

export type Item = Record<string, unknown>;

export interface Codec<T> {
  /** The item's `type` attribute. */
  readonly type: string;
  /** The item to write: the record, its keys and index attributes, `type`, and `extra` (e.g. a TTL). */
  toItem(record: T, extra?: Item): Item;
  /** The record an item holds; throws StoredItemError when the item is not one. */
  fromItem(item: Item): T;
}

/** A stored item that does not have its kind's shape: a bug or a hand edit, never a user error. */
export class StoredItemError extends Error {
  constructor(type: string, issues: string) {
    super(`stored ${type} item does not match its shape: ${issues}`);
    this.name = 'StoredItemError';
  }
}

export function codec<T>(spec: {
  type: string;
  schema: z.ZodMiniType<T>;
  key(record: T): ItemKey;
  index?(record: T): IndexKeys;
  /** Attributes written beside the record (e.g. `expiresAt`), dropped on read. */
  notInRecord?: readonly string[];
}): Codec<T> {
  const dropped = new Set<string>([...KEY_ATTRIBUTES, 'type', ...(spec.notInRecord ?? [])]);
  return {
    type: spec.type,
    toItem: (record, extra = {}) => ({
      ...record,
      ...extra,
      ...spec.key(record),
      ...spec.index?.(record),
      type: spec.type,
    }),
    fromItem(item) {
      const fields: Item = {};
      for (const [name, value] of Object.entries(item)) if (!dropped.has(name)) fields[name] = value;
      const parsed = z.safeParse(spec.schema, fields);
      if (parsed.success) return parsed.data;
      const issues = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`)
        .join('; ');
      throw new StoredItemError(spec.type, issues);
    },
  };
}

/**
 * A nested value of the domain (a contract, a catalog, SLA clocks, a mail) that its own rules built or
 * validated when it was written: a record's schema only checks it is an object. Record schemas are
 * loose objects (`z.looseObject`): attributes a record type does not name (written by a conditional
 * update, say) pass through, as they did before reads were checked.
 */
export function validated<T>() {
  return z.custom<T>((value) => typeof value === 'object' && value !== null && !Array.isArray(value));
}
