// Mail routes (one Lambda function): agents list the quarantine, release held mail and follow a
// release. A release is asynchronous: the entry is marked `releasing` and handed to the mail intake
// (functions/email/release.ts), which runs the intake on the kept raw message as if it had passed
// SES's checks; this function never reads the raw message, however large.
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { AppContext } from '../app/context.ts';
import { NotFoundError } from '../domain/errors.ts';
import type * as IntakeHandler from '../email/handler.ts';
import {
  inProcessReleaseDispatch,
  lambdaReleaseDispatch,
  type ReleaseDispatch,
  releaseDispatchOf,
} from '../email/release.ts';
import {
  getQuarantine,
  listHeldQuarantine,
  type QuarantineRecord,
  requestQuarantineRelease,
} from '../store/inbound-mail.ts';
import { mailRoutes as routes } from './mail-routes.ts';
import { pageRequest } from './paging.ts';
import { routeGroup } from './routing.ts';

function entryView(entry: QuarantineRecord) {
  const {
    messageId: _m,
    sesMessageId: _s,
    rawKey: _r,
    releasedBy: _b,
    releaseRequestedBy: _rb,
    version: _v,
    ...view
  } = entry;
  return view;
}

/**
 * One machine: the intake in this process. Loaded by a path esbuild does not follow, so the Lambda
 * bundle (which hands releases to the intake function) carries none of the intake.
 */
function inProcess(ctx: AppContext): ReleaseDispatch {
  const module = new URL('../email/handler.ts', import.meta.url).href;
  let intake: ReturnType<typeof IntakeHandler.intakeOf> | undefined;
  const dispatch = inProcessReleaseDispatch(() => intake!);
  return async (release) => {
    intake ??= ((await import(module)) as typeof IntakeHandler).intakeOf(ctx);
    return dispatch(release);
  };
}

const dispatchOf = (ctx: AppContext) =>
  releaseDispatchOf(
    ctx,
    () => inProcess(ctx),
    (name) => lambdaReleaseDispatch(new LambdaClient({}), name),
  );

const statusUrl = (id: string) => `/v1/quarantine/${encodeURIComponent(id)}`;

export const group = routeGroup('mail', routes, {
  listQuarantine: async (request) => {
    const page = await listHeldQuarantine(request.app.store, pageRequest(request));
    return {
      status: 200,
      body: {
        items: page.items.map(entryView),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },
  getQuarantine: async ({ path: { id }, app }) => {
    const entry = await getQuarantine(app.store, id);
    if (!entry) throw new NotFoundError(`quarantined mail ${id}`);
    return { status: 200, body: entryView(entry) };
  },
  releaseQuarantine: async ({ path: { id }, principal, app }) => {
    let entry = await getQuarantine(app.store, id);
    if (!entry) throw new NotFoundError(`quarantined mail ${id}`);
    if (entry.status === 'released') {
      return {
        status: 200,
        body: {
          id,
          status: entry.status,
          statusUrl: statusUrl(id),
          ...(entry.outcome ? { outcome: entry.outcome } : {}),
          ...(entry.ticketId ? { ticketId: entry.ticketId } : {}),
        },
      };
    }
    if (entry.status === 'held') {
      entry = await requestQuarantineRelease(app.store, entry, {
        at: app.clock.now().toISOString(),
        by: principal.keyId,
      });
    }
    // Releasing (now or before: a repeated request hands it over again, and the intake runs it once).
    if (entry.status === 'releasing') {
      await dispatchOf(app)({ id, agent: entry.releaseRequestedBy ?? principal.keyId });
    }
    return { status: 202, body: { id, status: entry.status, statusUrl: statusUrl(id) } };
  },
});

export const { handler } = group;
