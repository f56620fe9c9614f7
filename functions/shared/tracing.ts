// X-Ray tracing through Powertools for AWS Lambda's Tracer. It switches itself off outside Lambda
// (no AWS_EXECUTION_ENV) and where POWERTOOLS_TRACE_ENABLED=false, so the local runtime and tests
// run the same code untraced. Responses are never recorded (they hold customer content), and only
// the SDK clients are traced, not every HTTP request.
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { SERVICE_NAME } from './log.ts';
import type { Tracing } from './tracing-types.ts';

const tracer = new Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });

export const tracing: Tracing = {
  middleware: () => captureLambdaHandler(tracer, { captureResponse: false }),
  captureClient: (client) => tracer.captureAWSv3Client(client),
  annotate: (key, value) => tracer.putAnnotation(key, value),
};

/** Whether this container traces (in Lambda, unless switched off). */
export const tracingEnabled = (): boolean => tracer.isTracingEnabled();
