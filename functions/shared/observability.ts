// One wrapper for every Lambda handler of the desk: the same Powertools middlewares in the same order
// (tracer, logger, metrics), so every function's logs carry the request id, the cold-start flag and
// the correlation id, every invocation is a traced subsegment, and what the handler counted is
// written as one EMF line when it ends. The local runtime calls the same wrapped handlers: there the
// tracer is off, and counts are debug log lines (functions/shared/metrics.ts).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { tracing } from '#tracing';
import { withCorrelationId } from './correlation.ts';
import { logger } from './log.ts';
import { metricsSink } from './metrics.ts';

export interface ObservedOptions<E> {
  /** The correlation id of an event; Lambda's request id when none (or no function) is given. */
  correlationId?: (event: E, context: Context) => string | undefined;
}

/** Adds the Lambda context to every log line (Powertools' middleware, on the Logger made at first use). */
function lambdaContextLogs(): MiddlewareObj {
  let inner: MiddlewareObj | undefined;
  // resetKeys: keys a handler appended never leak into the next invocation. logEvent stays off: events
  // hold customer content (mail, ticket text).
  const middleware = () => {
    inner ??= injectLambdaContext(logger(), { resetKeys: true });
    return inner;
  };
  return {
    before: (request) => middleware().before?.(request),
    after: (request) => middleware().after?.(request),
    onError: (request) => middleware().onError?.(request),
  };
}

/** Writes what the invocation counted when it ends, however it ends; counts the container's cold start. */
function businessMetrics(): MiddlewareObj {
  let cold = true;
  const flush = () => metricsSink().flush();
  return {
    before: (request) => {
      if (!cold) return;
      cold = false;
      const functionName = (request.context as Partial<Context> | undefined)?.functionName;
      if (functionName) metricsSink().coldStart(functionName);
    },
    after: flush,
    onError: flush,
  };
}

/**
 * `handler` with the desk's observability: Lambda calls the result. The correlation id of each
 * invocation is in every log line it writes, annotated on its trace and carried into the mail it
 * composes (functions/app/ticket-mail.ts).
 */
export function observed<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  options: ObservedOptions<E> = {},
) {
  const wrapped = middy<E, R>();
  const trace = tracing.middleware();
  if (trace) wrapped.use(trace);
  wrapped.use(lambdaContextLogs()).use(businessMetrics());
  return wrapped.handler((event: E, context: Context) => {
    const id = options.correlationId?.(event, context) ?? context?.awsRequestId;
    if (!id) return handler(event, context);
    tracing.annotate('correlation_id', id);
    return withCorrelationId(id, () => handler(event, context));
  });
}
