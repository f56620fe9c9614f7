// The support desk's stack: the single table, the API, mail (SES intake and the outbox), SLA
// timers, usage exports, and monitoring over all of them (built last: it walks the stack).
import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SupportDeskApi } from './api.ts';
import { SupportDeskMail } from './email.ts';
import { UsageExports } from './exports.ts';
import { Monitoring } from './monitoring.ts';
import type { DeploymentSettings } from './settings.ts';
import { SlaTimers } from './sla-timers.ts';
import { SupportDeskTable } from './table.ts';

export interface SupportDeskStackProps extends StackProps {
  settings: DeploymentSettings;
}

export class SupportDeskStack extends Stack {
  readonly data: SupportDeskTable;
  readonly api: SupportDeskApi;
  readonly mail: SupportDeskMail;
  readonly timers: SlaTimers;
  readonly monitoring: Monitoring;

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
    const { settings } = props;
    this.timers = new SlaTimers(this, 'SlaTimers', {
      table: this.data.table,
      production: settings.production,
      alertsTo: settings.slaAlertsTo.join(','),
    });
    const exports = new UsageExports(this, 'Exports', {
      table: this.data.table,
      production: settings.production,
      timeZone: settings.exportTimeZone,
    });
    if (this.api.functions.exports) exports.grantPull(this.api.functions.exports);
    this.mail = new SupportDeskMail(this, 'Mail', {
      table: this.data.table,
      production: settings.production,
      supportAddress: settings.supportAddress,
      mailDomain: settings.mailDomain,
      // One access-log bucket for the stack's buckets.
      accessLogs: exports.accessLogs,
    });
    if (this.api.functions.mail) this.mail.grantQuarantine(this.api.functions.mail);
    new CfnOutput(this, 'MailBucket', { value: this.mail.bucket.bucketName });
    new CfnOutput(this, 'ReceiptRuleSet', { value: this.mail.ruleSet.ref });
    // Last: it alarms on every function and queue made above.
    this.monitoring = new Monitoring(this, 'Monitoring', {
      api: this.api.httpApi,
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    });
    new CfnOutput(this, 'AlarmTopic', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'Dashboard', { value: this.monitoring.dashboard.dashboardName });
  }
}
