// The routes the local runtime serves: the same route keys and handlers API Gateway uses in AWS.
import { handler as health } from '../functions/api/health.ts';
import type { Route } from './http-server.ts';

export const routes: Route[] = [{ routeKey: 'GET /v1/health', handler: health }];
