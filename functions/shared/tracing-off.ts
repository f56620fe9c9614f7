// No tracing: what `#tracing` resolves to in functions built with `traced: false` (lib/functions.ts).
// Lambda's active tracing still records their invocations; their SDK calls are not broken out.
import type { Tracing } from './tracing-types.ts';

export const tracing: Tracing = {
  middleware: () => undefined,
  captureClient: (client) => client,
  annotate: () => {},
};

export const tracingEnabled = (): boolean => false;
