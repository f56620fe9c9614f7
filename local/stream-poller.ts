// Reads DynamoDB Local's stream of the table and hands the records, shaped as Lambda's DynamoDB
// stream event, to a handler: what the Lambda event source mapping does in AWS. Per shard, records
// go in order; a batch the handler reports failed is read again from the failed record (up to
// `maxAttempts`, then logged and skipped, as a failure destination would receive it).
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { log } from '../functions/shared/log.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localClient } from './dynamodb-local.ts';

export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  handle(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse | undefined>;
  /** Where to begin in the shards open at start; shards that appear later are read from their start. */
  start: 'TRIM_HORIZON' | 'LATEST';
  intervalMs?: number;
  /** Records per handler call (Lambda's batch size). */
  batchSize?: number;
  maxAttempts?: number;
}

export interface StreamPoller {
  /** Resolves once a poll that began after the call found no new record and nothing in flight. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

interface ShardState {
  iterator?: string;
  /** Last sequence number handed to the handler successfully. */
  last?: string;
  attempts: number;
}

const DESCRIBE_EVERY_MS = 2_000;

type Attribute = Record<string, unknown>;
type StreamImage = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

/**
 * DynamoDB Local writes an empty map nested in a map as `{}` instead of `{"M":{}}` in stream
 * records (measured: `{"m":{"M":{"e":{}}}}`); AWS does not. Restores the map so images unmarshall.
 */
export function repairImage(
  image: Record<string, Attribute> | undefined,
): Record<string, Attribute> | undefined {
  if (!image) return image;
  const repair = (value: Attribute): Attribute => {
    if (Object.keys(value).length === 0) return { M: {} };
    if (value.M) return { M: repairImage(value.M as Record<string, Attribute>) };
    if (Array.isArray(value.L)) return { L: (value.L as Attribute[]).map(repair) };
    return value;
  };
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repair(value)]));
}

/** An image as Lambda delivers it: the same attribute-value JSON the streams API returns, repaired. */
function lambdaImage(image: object | undefined): StreamImage | undefined {
  return image ? (repairImage(image as Record<string, Attribute>) as StreamImage) : undefined;
}

/** A streams API record as Lambda's event source mapping hands it over, field by field. */
function lambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const change = record.dynamodb;
  const created = change?.ApproximateCreationDateTime;
  const keys = lambdaImage(change?.Keys);
  const newImage = lambdaImage(change?.NewImage);
  const oldImage = lambdaImage(change?.OldImage);
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource,
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    // Set on deletions by TTL.
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
    dynamodb: {
      ...(keys ? { Keys: keys } : {}),
      ...(newImage ? { NewImage: newImage } : {}),
      ...(oldImage ? { OldImage: oldImage } : {}),
      SequenceNumber: change?.SequenceNumber,
      SizeBytes: change?.SizeBytes,
      StreamViewType: change?.StreamViewType,
      // Lambda delivers epoch seconds; the SDK parses them into a Date.
      ...(created ? { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : {}),
    },
  };
}

export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const intervalMs = options.intervalMs ?? 200;
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 5;
  const db: DynamoDBClient = localClient(options.endpoint);
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const table = await db.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);

  const shards = new Map<string, ShardState>();
  const closed = new Set<string>();
  let describedAt = 0;
  let firstDescribe = true;

  async function iterator(shardId: string, state: ShardState, type: 'TRIM_HORIZON' | 'LATEST') {
    const position = state.last
      ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: state.last }
      : { ShardIteratorType: type };
    const result = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...position }),
    );
    state.iterator = result.ShardIterator;
  }

  async function describe(): Promise<void> {
    let startId: string | undefined;
    do {
      const result = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: startId }),
      );
      for (const shard of result.StreamDescription?.Shards ?? []) {
        const id = shard.ShardId!;
        if (shards.has(id) || closed.has(id)) continue;
        const state: ShardState = { attempts: 0 };
        shards.set(id, state);
        await iterator(id, state, firstDescribe ? options.start : 'TRIM_HORIZON');
      }
      startId = result.StreamDescription?.LastEvaluatedShardId;
    } while (startId);
    firstDescribe = false;
    describedAt = Date.now();
  }

  /** Reads and handles one batch of a shard; true if it handled any record. */
  async function pollShard(shardId: string, state: ShardState): Promise<boolean> {
    if (!state.iterator) {
      shards.delete(shardId);
      closed.add(shardId);
      return false;
    }
    const result = await streams.send(
      new GetRecordsCommand({ ShardIterator: state.iterator, Limit: batchSize }),
    );
    const records = result.Records ?? [];
    if (records.length === 0) {
      state.iterator = result.NextShardIterator;
      return false;
    }
    const response = await options
      .handle({ Records: records.map((r) => lambdaRecord(r, streamArn!)) })
      .catch((error: unknown) => {
        log('error', 'stream handler failed', { error: error instanceof Error ? error.name : 'unknown' });
        return { batchItemFailures: [{ itemIdentifier: records[0]!.dynamodb!.SequenceNumber! }] };
      });
    const failed = (response?.batchItemFailures ?? [])
      .map((f) => f.itemIdentifier)
      .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0];
    if (failed && state.attempts + 1 < maxAttempts) {
      // Checkpoint before the failed record and read again from it, after a pause.
      state.attempts += 1;
      const before = records.filter((r) => BigInt(r.dynamodb!.SequenceNumber!) < BigInt(failed));
      if (before.length > 0) state.last = before.at(-1)!.dynamodb!.SequenceNumber!;
      const retry = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          SequenceNumber: failed,
        }),
      );
      state.iterator = retry.ShardIterator;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** state.attempts));
      return true;
    }
    if (failed) {
      log('error', 'stream records skipped after retries', { shardId, sequenceNumber: failed, maxAttempts });
    }
    state.attempts = 0;
    state.last = records.at(-1)!.dynamodb!.SequenceNumber!;
    state.iterator = result.NextShardIterator;
    return true;
  }

  let stopped = false;
  let cycle = 0;
  const waiters: { after: number; resolve: () => void }[] = [];
  let wake: (() => void) | undefined;

  async function loop(): Promise<void> {
    while (!stopped) {
      const number = ++cycle;
      let busy = false;
      try {
        if (Date.now() - describedAt > DESCRIBE_EVERY_MS) await describe();
        for (const [shardId, state] of [...shards]) {
          // Drain each shard before calling the cycle quiet.
          while (!stopped && (await pollShard(shardId, state))) busy = true;
        }
      } catch (error) {
        busy = true;
        log('warn', 'stream poll failed', { error: error instanceof Error ? error.name : 'unknown' });
        // An expired or broken iterator is rebuilt from the last record handled.
        for (const [shardId, state] of shards) await iterator(shardId, state, 'TRIM_HORIZON').catch(() => {});
      }
      if (!busy) {
        for (const waiter of waiters.filter((w) => number > w.after)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
      if (stopped) break;
      if (waiters.length > 0 && !busy) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, busy ? 0 : intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  await describe();
  const running = loop();

  return {
    caughtUp() {
      return new Promise<void>((resolve) => {
        waiters.push({ after: cycle, resolve });
        wake?.();
      });
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
      for (const waiter of waiters.splice(0)) waiter.resolve();
      streams.destroy();
      db.destroy();
    },
  };
}
