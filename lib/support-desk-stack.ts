// The support desk's stack: the single table, the API, the web console, mail (SES intake and the
// outbox), SLA timers, usage exports, and monitoring over all of them (built last: it walks the stack). The
// settings are read once (lib/settings.ts): every function gets the same environment from them,
// and each construct the few settings it acts on.
import { Annotations, CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SupportDeskApi } from './api.ts';
import { SupportDeskConsole } from './console.ts';
import { SupportDeskMail } from './email.ts';
import { UsageExports } from './exports.ts';
import { Monitoring } from './monitoring.ts';
import { type DeploymentSettings, functionEnvironment } from './settings.ts';
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
  readonly console: SupportDeskConsole;

  constructor(scope: Construct, id: string, props: SupportDeskStackProps) {
    super(scope, id, props);
    const { settings } = props;
    for (const warning of settings.warnings) {
      Annotations.of(this).addWarningV2('support-desk:settings', warning);
    }
    Tags.of(this).add('app', 'support-desk');
    Tags.of(this).add('stage', settings.stage);
    const environment = functionEnvironment(settings);
    this.data = new SupportDeskTable(this, 'Data', { production: settings.production });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    this.api = new SupportDeskApi(this, 'Api', {
      table: this.data.table,
      environment,
      production: settings.production,
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    this.timers = new SlaTimers(this, 'SlaTimers', {
      table: this.data.table,
      environment,
      production: settings.production,
      reconcilerConcurrency: settings.streamConcurrency,
    });
    const exports = new UsageExports(this, 'Exports', {
      table: this.data.table,
      environment,
      production: settings.production,
      retention: settings.exportRetention,
    });
    if (this.api.functions.exports) exports.grantPull(this.api.functions.exports);
    // The web console, with the API on its origin under /v1.
    this.console = new SupportDeskConsole(this, 'Console', {
      api: this.api.httpApi,
      accessLogs: exports.accessLogs,
      production: settings.production,
    });
    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url });
    this.mail = new SupportDeskMail(this, 'Mail', {
      table: this.data.table,
      environment,
      production: settings.production,
      takeOverMailReceiving: settings.takeOverMailReceiving,
      intakeConcurrency: settings.intakeConcurrency,
      outboxConcurrency: settings.streamConcurrency,
      ...(settings.sesConfigurationSet ? { sesConfigurationSet: settings.sesConfigurationSet } : {}),
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
      settings: settings.monitoring,
    });
    new CfnOutput(this, 'AlarmTopic', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'Dashboard', { value: this.monitoring.dashboard.dashboardName });
  }
}
