#!/usr/bin/env node
// CDK app entry: `npx cdk synth` / `npx cdk deploy -c stage=prod`. cdk-nag's AWS Solutions
// checks run on every synth and fail it on unacknowledged findings.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readDeploymentSettings } from '../lib/settings.ts';
import { SupportDeskStack } from '../lib/support-desk-stack.ts';

const app = new App();
const settings = readDeploymentSettings((key) => app.node.tryGetContext(key));
new SupportDeskStack(app, `SupportDesk-${settings.stage}`, {
  settings,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
