// Lambda handler of the custom resource that makes our SES receipt rule set the region's active one
// (lib/email.ts). Only one rule set is active per account and region, so switching blindly would
// take another desk's or another product's inbound mail: it reads the active set first and refuses,
// unless the set is ours, none is active, or the deployer said takeOverMailReceiving. On delete it
// switches receiving off only if the active set is still ours.
import {
  DescribeActiveReceiptRuleSetCommand,
  SESClient,
  SetActiveReceiptRuleSetCommand,
} from '@aws-sdk/client-ses';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** The custom resource's properties, as CloudFormation passes them (strings). */
export interface ActivationProperties {
  RuleSetName: string;
  /** 'true' to replace another active rule set. */
  TakeOver: string;
}

export interface Outcome {
  status: 'SUCCESS' | 'FAILED';
  /** Shown in the stack events; on failure, what to do. */
  reason: string;
  physicalResourceId: string;
  data: { PreviouslyActive: string };
}

/** What one CloudFormation request does to the region's receiving, and why. */
export async function applyActivation(
  ses: Pick<SESClient, 'send'>,
  event: Pick<CloudFormationCustomResourceEvent, 'RequestType' | 'ResourceProperties'> & {
    PhysicalResourceId?: string;
  },
  region: string,
): Promise<Outcome> {
  const props = event.ResourceProperties as unknown as ActivationProperties;
  const ours = props.RuleSetName;
  const active = (await ses.send(new DescribeActiveReceiptRuleSetCommand({}))).Metadata?.Name;
  const outcome = (status: Outcome['status'], reason: string): Outcome => ({
    status,
    reason,
    physicalResourceId: ours,
    data: { PreviouslyActive: active ?? '' },
  });

  if (event.RequestType === 'Delete') {
    if (active !== ours) {
      return outcome('SUCCESS', `left receiving as it is: the active rule set is ${describe(active)}`);
    }
    // Without a name SES deactivates receiving: the region has no other set of ours to fall back to.
    await ses.send(new SetActiveReceiptRuleSetCommand({}));
    return outcome('SUCCESS', `deactivated ${ours}`);
  }

  if (active === ours) return outcome('SUCCESS', `${ours} is already active`);
  if (active !== undefined && props.TakeOver !== 'true') {
    return outcome(
      'FAILED',
      `SES receiving in ${region} already uses the rule set ${active}; activating ${ours} would take all the mail it receives. ` +
        'Deploy with -c takeOverMailReceiving=true to replace it, or deploy this stage to another region or account.',
    );
  }
  await ses.send(new SetActiveReceiptRuleSetCommand({ RuleSetName: ours }));
  return outcome(
    'SUCCESS',
    active === undefined
      ? `activated ${ours}`
      : `activated ${ours} in place of ${active} (takeOverMailReceiving)`,
  );
}

function describe(name: string | undefined): string {
  return name === undefined ? 'none' : name;
}

/** Sends the outcome to CloudFormation's presigned response URL (the custom resource protocol). */
export async function respond(event: CloudFormationCustomResourceEvent, outcome: Outcome): Promise<void> {
  const body = JSON.stringify({
    Status: outcome.status,
    // CloudFormation shows at most 4 kB of it.
    Reason: outcome.reason.slice(0, 4000),
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: outcome.data,
  });
  // The URL is signed without a content type: sending one would break the signature.
  const response = await fetch(event.ResponseURL, {
    method: 'PUT',
    body,
    headers: { 'content-type': '' },
  });
  if (!response.ok) throw new Error(`CloudFormation response URL answered ${response.status}`);
}

let client: SESClient | undefined;

export async function handler(event: CloudFormationCustomResourceEvent): Promise<void> {
  client ??= new SESClient({});
  const region = process.env.AWS_REGION ?? 'this region';
  let outcome: Outcome;
  try {
    outcome = await applyActivation(client, event, region);
  } catch (error) {
    // Any failure must still answer, or the stack waits an hour for the resource.
    const props = event.ResourceProperties as unknown as ActivationProperties;
    outcome = {
      status: 'FAILED',
      reason: `SES ${(error as Error).name}: ${(error as Error).message}`,
      physicalResourceId:
        ('PhysicalResourceId' in event ? event.PhysicalResourceId : undefined) ?? props.RuleSetName,
      data: { PreviouslyActive: '' },
    };
  }
  process.stdout.write(
    `${JSON.stringify({ level: 'info', message: 'receipt rule set', requestType: event.RequestType, status: outcome.status, reason: outcome.reason })}\n`,
  );
  await respond(event, outcome);
}
