// The correlation id of the work in progress: the API's request id for a request (HTTP APIs have no
// X-Ray integration, so this id is what joins the API's access log, our logs, the trace and the mail
// a request composed), Lambda's request id otherwise. Kept per async call chain, not per process:
// the local runtime serves many requests at once in one process.
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

/** Runs `work` with `id` as the correlation id of everything it does. */
export function withCorrelationId<T>(id: string, work: () => T): T {
  return current.run(id, work);
}

/** The correlation id of the current work, if it runs under one. */
export function correlationId(): string | undefined {
  return current.getStore();
}
