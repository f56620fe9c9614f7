// The support desk's stack. It holds the single table; later constructs (API, email intake,
// SLA timers, exports) attach here.
import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SupportDeskApi } from './api.ts';
import { UsageExports } from './exports.ts';
import type { DeploymentSettings } from './settings.ts';
import { SlaTimers } from './sla-timers.ts';
import { SupportDeskTable } from './table.ts';

export interface SupportDeskStackProps extends StackProps {
  settings: DeploymentSettings;
}

export class SupportDeskStack extends Stack {
  readonly data: SupportDeskTable;
  readonly api: SupportDeskApi;

  constructor(scope: Construct, id: string, props: SupportDeskStackProps) {
    super(scope, id, props);
    Tags.of(this).add('app', 'support-desk');
    Tags.of(this).add('stage', props.settings.stage);
    this.data = new SupportDeskTable(this, 'Data', { production: props.settings.production });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    this.api = new SupportDeskApi(this, 'Api', {
      table: this.data.table,
      production: props.settings.production,
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new SlaTimers(this, 'SlaTimers', { table: this.data.table, production: props.settings.production });
    const exports = new UsageExports(this, 'Exports', {
      table: this.data.table,
      production: props.settings.production,
    });
    if (this.api.functions.exports) exports.grantPull(this.api.functions.exports);
  }
}
