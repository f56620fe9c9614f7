// Mail routes (one Lambda function): agents list the quarantine and release held mail into the
// intake, which then treats it as if it had passed SES's checks.
import { intakeOf } from '../email/handler.ts';
import { listHeldQuarantine, type QuarantineRecord } from '../store/inbound-mail.ts';
import { mailRoutes as routes } from './mail-routes.ts';
import { pageRequest } from './paging.ts';
import { routeGroup } from './routing.ts';

function entryView(entry: QuarantineRecord) {
  const { messageId: _m, sesMessageId: _s, rawKey: _r, releasedBy: _b, version: _v, ...view } = entry;
  return view;
}

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
  releaseQuarantine: async ({ path: { id }, principal, app }) => {
    const result = await intakeOf(app).release(id, principal.keyId);
    return {
      status: 200,
      body: { id, outcome: result.outcome, ...(result.ticketId ? { ticketId: result.ticketId } : {}) },
    };
  },
});

export const { handler } = group;
