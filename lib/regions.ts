// Where SES receives mail. The desk cannot work without receiving, and SES receives in a few
// regions only, so a stack for any other region is refused at synth, not after a deploy that
// creates everything but the receipt rule.
import { Annotations, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Regions with SES email receiving, from the SES "Email receiving endpoints" table of the AWS
 * General Reference (Amazon SES endpoints and quotas) and the September 2023 announcement that
 * added seven regions to the first three; as read on 2026-12-01. Add a region here when SES does.
 */
export const SES_RECEIVING_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-northeast-1',
  'ap-southeast-1',
  'ap-southeast-2',
];

/**
 * Throws (failing the synth) when the stack's region is known and has no SES receiving. An
 * environment-agnostic stack (no region at synth) gets a warning saying what to set: `cdk deploy`
 * always knows the region, so the check runs there.
 */
export function requireReceivingRegion(scope: IConstruct): void {
  const region = Stack.of(scope).region;
  const list = SES_RECEIVING_REGIONS.join(', ');
  if (Token.isUnresolved(region)) {
    Annotations.of(scope).addWarningV2(
      'support-desk:region-unknown',
      `The region is not known at synth, so SES receiving cannot be checked: set AWS_REGION (or a profile with a region) to one of ${list} before cdk synth or cdk deploy.`,
    );
    return;
  }
  if (!SES_RECEIVING_REGIONS.includes(region)) {
    throw new Error(
      `SES does not receive mail in ${region}, and the desk needs it: deploy to one of ${list} (set AWS_REGION or the profile's region).`,
    );
  }
}
