// The desk's business metrics, named once: function code counts them (functions/shared/metrics.ts)
// and the stack alarms on them and graphs them (lib/monitoring.ts). Each is a count, emitted in
// CloudWatch's Embedded Metric Format under the stage's namespace with the dimension below.

/** Metric name -> what one count means, and where it is counted. */
export const BUSINESS_METRICS = {
  TicketsOpened: 'a ticket was opened (API or mail), counted after its transaction committed',
  SlaWarnings: 'an SLA warning was recorded on a ticket (timer, sweeper or any change)',
  SlaBreaches: 'an SLA breach was recorded on a ticket (timer, sweeper or any change)',
  LedgerEntries: 'a usage ledger entry was written (consumption, overage, time billed, fee)',
  MailsSent: 'an outbound mail was accepted by SES (or written to the local outbox)',
  MailsFailed: 'an outbound mail failed for good: nobody will receive it',
  MailsSuppressed: 'an automatic mail was not sent: the recipient reached the hourly limit',
  SweeperCatches: 'the deadline sweeper fired a warning or breach whose schedule was missing',
} as const;

export type MetricName = keyof typeof BUSINESS_METRICS;

/** @internal the list the tests compare with what the stack graphs */
export const METRIC_NAMES = Object.keys(BUSINESS_METRICS) as MetricName[];

/** The namespace when the stack sets none (POWERTOOLS_METRICS_NAMESPACE); the stack sets one per stage. */
export const DEFAULT_METRICS_NAMESPACE = 'SupportDesk';

/** The namespace of a stage's metrics: two stages in one account and region never mix. */
export function metricsNamespace(stage: string): string {
  return `${DEFAULT_METRICS_NAMESPACE}/${stage}`;
}

/** The one dimension every business metric carries (Powertools' `service`). */
export const METRIC_DIMENSIONS = { service: 'support-desk' } as const;
