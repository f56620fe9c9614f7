#!/usr/bin/env node
// CDK app entry: `npx cdk synth` (dev placeholders, works offline) or
// `npx cdk deploy -c stage=prod -c production=true -c supportAddress=support@help.example.com -c alarmEmail=ops@example.com`
// (every setting: lib/settings.ts, docs/deploy.md). cdk-nag's AWS Solutions checks run on every
// synth and fail it on unacknowledged findings.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ValidationError } from '../functions/domain/errors.ts';
import { type DeploymentSettings, readDeploymentSettings } from '../lib/settings.ts';
import { SupportDeskStack } from '../lib/support-desk-stack.ts';

const app = new App();
let settings: DeploymentSettings;
try {
  settings = readDeploymentSettings(app.node.getAllContext());
} catch (error) {
  // A bad setting is the deployer's typo, not a crash: say which, without a stack trace.
  if (!(error instanceof ValidationError)) throw error;
  process.stderr.write(`Invalid deployment settings: ${error.message}\n`);
  process.exit(1);
}
new SupportDeskStack(app, `SupportDesk-${settings.stage}`, {
  settings,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
