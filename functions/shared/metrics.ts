// Business metrics (names in metric-names.ts) through Powertools for AWS Lambda's Metrics: in Lambda
// a count is buffered and observed() writes the invocation's counts as one EMF log line when the
// handler ends; anywhere else (the local runtime, tests) a count is a debug log line. Callers count
// only after the change they count has committed, so a retried transaction counts once.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { log, SERVICE_NAME } from './log.ts';
import { METRIC_DIMENSIONS, type MetricName } from './metric-names.ts';

export type { MetricName } from './metric-names.ts';

/** Where counts go: Powertools' EMF buffer in Lambda, a debug line elsewhere. */
export interface MetricsSink {
  count(name: MetricName, value?: number): void;
  /** Writes what was counted since the last flush (one EMF line); nothing when nothing was. */
  flush(): void;
  /** Counts this container's cold start, by function name (Powertools' ColdStart metric). */
  coldStart(functionName: string): void;
}

/** EMF metrics written to stdout, where Lambda's log group turns them into CloudWatch metrics. */
export function emfMetrics(): MetricsSink {
  // The namespace is the stack's (POWERTOOLS_METRICS_NAMESPACE, read by Powertools).
  const emf = new Metrics({ serviceName: SERVICE_NAME, defaultDimensions: { ...METRIC_DIMENSIONS } });
  return {
    count: (name, value = 1) => {
      emf.addMetric(name, MetricUnit.Count, value);
    },
    // Powertools warns on every empty flush; an invocation that counted nothing is normal here.
    flush: () => {
      if (emf.hasStoredMetrics()) emf.publishStoredMetrics();
    },
    coldStart: (functionName) => emf.captureColdStartMetric(functionName),
  };
}

/** Counts as debug log lines: the local runtime and tests have no CloudWatch. */
export function loggedMetrics(): MetricsSink {
  return {
    count: (name, value = 1) => log('debug', 'metric', { metric: name, value }),
    flush: () => {},
    coldStart: () => {},
  };
}

let sink: MetricsSink | undefined;

/** The container's sink: EMF inside Lambda (the runtime sets AWS_LAMBDA_FUNCTION_NAME), logged elsewhere. */
export function metricsSink(): MetricsSink {
  sink ??= process.env.AWS_LAMBDA_FUNCTION_NAME ? emfMetrics() : loggedMetrics();
  return sink;
}

/** What function code calls: `metrics.count('TicketsOpened')`. */
export const metrics = {
  count(name: MetricName, value = 1): void {
    if (value > 0) metricsSink().count(name, value);
  },
};
