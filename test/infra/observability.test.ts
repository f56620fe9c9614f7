// The observability every handler gets (functions/shared/observability.ts): Powertools log lines with
// the Lambda context and the correlation id, business metrics as EMF in Lambda and debug lines
// elsewhere, flushed however the handler ends; the correlation id in the mail a request composes.
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { appContext } from '../../functions/app/context.ts';
import { CORRELATION_HEADER, outboxOpFor } from '../../functions/app/ticket-mail.ts';
import { countCommitted } from '../../functions/app/ticket-metrics.ts';
import { correlationId, withCorrelationId } from '../../functions/shared/correlation.ts';
import { log, logger } from '../../functions/shared/log.ts';
import { METRIC_NAMES } from '../../functions/shared/metric-names.ts';
import { emfMetrics, metrics } from '../../functions/shared/metrics.ts';
import { observed } from '../../functions/shared/observability.ts';
import { tracing, tracingEnabled } from '../../functions/shared/tracing.ts';
import { createStoreContext } from '../../functions/store/context.ts';

let lines: string[];

beforeEach(() => {
  lines = [];
  const capture = (chunk: unknown) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  logger().setLogLevel('DEBUG');
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  logger().setLogLevel('WARN');
});

const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const lambda = (awsRequestId: string) =>
  ({ awsRequestId, functionName: 'support-desk-tickets', memoryLimitInMB: '512' }) as unknown as Context;

describe('observed handlers', () => {
  test('every line carries the request id, the cold-start flag and the correlation id the event names', async () => {
    const seen: (string | undefined)[] = [];
    const handler = observed(
      async (_event: { requestId: string }) => {
        seen.push(correlationId());
        log('info', 'working', { ticketId: 't-1' });
        return 'done';
      },
      { correlationId: (event) => event.requestId },
    );
    expect(await handler({ requestId: 'api-1' }, lambda('lambda-1'))).toBe('done');
    expect(await handler({ requestId: 'api-2' }, lambda('lambda-2'))).toBe('done');
    expect(seen).toEqual(['api-1', 'api-2']);
    const working = entries().filter((e) => e.message === 'working');
    expect(working).toEqual([
      expect.objectContaining({
        level: 'INFO',
        service: 'support-desk',
        function_name: 'support-desk-tickets',
        function_request_id: 'lambda-1',
        correlation_id: 'api-1',
        // Powertools says true on Lambda's first on-demand invocation (AWS_LAMBDA_INITIALIZATION_TYPE).
        cold_start: expect.any(Boolean),
        ticketId: 't-1',
      }),
      expect.objectContaining({
        function_request_id: 'lambda-2',
        correlation_id: 'api-2',
        cold_start: false,
      }),
    ]);
  });

  test('without a correlation function, Lambda’s request id correlates; outside a handler none does', async () => {
    const handler = observed(async () => correlationId());
    expect(await handler({}, lambda('lambda-9'))).toBe('lambda-9');
    expect(correlationId()).toBeUndefined();
  });

  test('concurrent invocations (the local runtime) keep their own correlation ids', async () => {
    const handler = observed(
      async (event: { id: string; wait: number }) => {
        await new Promise((resolve) => setTimeout(resolve, event.wait));
        return correlationId();
      },
      { correlationId: (event) => event.id },
    );
    const answers = await Promise.all([
      handler({ id: 'slow', wait: 30 }, lambda('a')),
      handler({ id: 'fast', wait: 1 }, lambda('b')),
    ]);
    expect(answers).toEqual(['slow', 'fast']);
  });

  test('the event is never logged (it holds customer content)', async () => {
    const handler = observed(async () => 'ok');
    await handler({ subject: 'my invoice is wrong', from: 'ana@customer.example' }, lambda('l'));
    expect(lines.join('\n')).not.toContain('my invoice is wrong');
    expect(lines.join('\n')).not.toContain('ana@customer.example');
  });

  test('outside Lambda tracing is off and clients are handed back untouched', () => {
    expect(tracingEnabled()).toBe(false);
    const client = { send: () => undefined };
    expect(tracing.captureClient(client)).toBe(client);
  });
});

describe('business metrics', () => {
  test('in Lambda, what an invocation counted is one EMF line in the stage’s namespace when it ends', () => {
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'SupportDesk/test');
    const sink = emfMetrics();
    sink.flush();
    expect(lines).toEqual([]);
    sink.count('TicketsOpened');
    sink.count('LedgerEntries', 2);
    sink.count('TicketsOpened');
    sink.flush();
    expect(lines).toHaveLength(1);
    const emf = JSON.parse(lines[0]!);
    expect(emf._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'SupportDesk/test',
        Dimensions: [['service']],
        Metrics: expect.arrayContaining([
          { Name: 'TicketsOpened', Unit: 'Count' },
          { Name: 'LedgerEntries', Unit: 'Count' },
        ]),
      },
    ]);
    expect(emf).toMatchObject({ service: 'support-desk', TicketsOpened: [1, 1], LedgerEntries: 2 });
    sink.flush();
    expect(lines).toHaveLength(1);
  });

  test('outside Lambda a count is a debug line, and counting nothing writes nothing', () => {
    metrics.count('SweeperCatches', 3);
    metrics.count('MailsFailed', 0);
    expect(entries()).toEqual([
      expect.objectContaining({ level: 'DEBUG', message: 'metric', metric: 'SweeperCatches', value: 3 }),
    ]);
  });

  test('a committed ticket change counts tickets opened, warnings, breaches and ledger entries', () => {
    countCommitted(
      [{ type: 'ticketOpened' }, { type: 'slaWarning' }, { type: 'slaBreached' }, { type: 'slaBreached' }],
      3,
    );
    const counted = Object.fromEntries(entries().map((e) => [e.metric, e.value]));
    expect(counted).toEqual({ TicketsOpened: 1, SlaWarnings: 1, SlaBreaches: 2, LedgerEntries: 3 });
  });

  test('the names are the alarms’ and the dashboard’s', () => {
    expect(METRIC_NAMES).toEqual([
      'TicketsOpened',
      'SlaWarnings',
      'SlaBreaches',
      'LedgerEntries',
      'MailsSent',
      'MailsFailed',
      'MailsSuppressed',
      'SweeperCatches',
    ]);
  });
});

describe('correlation in mail', () => {
  const ctx = appContext(createStoreContext('observability-test', { region: 'eu-west-1' }));
  const composed = {
    kind: 'acknowledgement',
    messageId: 'm-1@desk.example',
    automatic: true,
    ticketId: 't-1',
    mail: { from: 'support@desk.example', to: ['c@x.example'], subject: 'S', text: 'T', headers: { A: 'b' } },
  };
  const headersOf = (op: unknown) =>
    (op as { Put: { Item: { mail: { headers: Record<string, string> } } } }).Put.Item.mail.headers;

  test('mail composed in a request names the request; mail composed elsewhere carries no such header', () => {
    const inRequest = withCorrelationId('api-request-7', () => outboxOpFor(ctx, composed as never, 'o-1'));
    expect(headersOf(inRequest)).toEqual({ A: 'b', [CORRELATION_HEADER]: 'api-request-7' });
    expect(headersOf(outboxOpFor(ctx, composed as never, 'o-2'))).toEqual({ A: 'b' });
  });
});
