// Reading DynamoDB's answer to a failed condition: whether it failed, and the item as it was
// (ReturnValuesOnConditionCheckFailure: ALL_OLD), in plain JavaScript values.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

export function isConditionalCheckFailed(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

/** The old item a failed condition returned, unmarshalled; undefined when there was none. */
export function conditionFailureItem(item: unknown): Record<string, unknown> | undefined {
  if (!item || typeof item !== 'object' || Object.keys(item).length === 0) return undefined;
  // The document client does not unmarshall items carried by errors: they are AttributeValue maps.
  // biome-ignore lint/suspicious/noExplicitAny: AttributeValue map from the low-level client
  return unmarshall(item as any);
}
