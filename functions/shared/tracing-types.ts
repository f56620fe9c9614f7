// What the handler wrapper and the places that create AWS SDK clients need of tracing. Two modules
// provide it, chosen when a function is bundled by the package.json "imports" entry `#tracing`:
// tracing.ts (Powertools Tracer, X-Ray) by default, tracing-off.ts for functions built without it
// (lib/functions.ts `traced: false`), which then carry none of the X-Ray SDK.
import type { MiddlewareObj } from '@middy/core';

export interface Tracing {
  /** The middleware that opens the handler's subsegment and annotates it, or none. */
  middleware(): MiddlewareObj | undefined;
  /** `client`, its calls traced as subsegments (where tracing is on). */
  captureClient<T>(client: T): T;
  /** A searchable annotation on the current segment (ids only, never customer content). */
  annotate(key: string, value: string): void;
}
