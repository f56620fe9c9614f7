// Releasing held mail, asynchronously: the API marks the entry `releasing` and hands it to the mail
// intake, which runs the intake's steps 3-6 on the kept raw message (up to SES's 40 MB), sized and
// timed for that, and answers nothing to the agent, who reads the entry's status.
//
// In AWS the hand-over is an asynchronous invocation of the intake function (InvocationType Event):
// Lambda keeps the event, retries it twice and sends it to the intake's dead-letter queue after
// that, and the API function may invoke that one function only. The table's stream was the other
// way, but it already has two consumers (the sla-scheduler and the outbox), the most a stream shard
// serves without throttling its readers. On one machine the same release runs in-process, after
// the answer.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import type { AppContext } from '../app/context.ts';
import { log } from '../shared/log.ts';
import type { Intake, IntakeResult } from './intake.ts';

/** The event the intake function gets for a release (SES's receipt events have `Records`). */
export const releaseEventSchema = z.strictObject({
  quarantineRelease: z.strictObject({
    id: z.string().check(z.minLength(1), z.maxLength(200)),
    agent: z.string().check(z.minLength(1), z.maxLength(200)),
  }),
});
export type ReleaseEvent = z.infer<typeof releaseEventSchema>;

/** Hands a requested release to the intake; resolves once it is handed over (not done). */
export type ReleaseDispatch = (release: ReleaseEvent['quarantineRelease']) => Promise<void>;

/** AWS: an asynchronous invocation of the intake function. */
export function lambdaReleaseDispatch(client: LambdaClient, functionName: string): ReleaseDispatch {
  return async (release) => {
    const event: ReleaseEvent = { quarantineRelease: release };
    const answer = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    // 202: Lambda has queued the event.
    if (answer.StatusCode !== 202) throw new Error(`intake invocation answered ${answer.StatusCode}`);
  };
}

/** One machine: the same release, run after the caller has answered; failures are logged. */
export function inProcessReleaseDispatch(
  intake: () => Intake,
): ReleaseDispatch & { settled(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const dispatch = async (release: ReleaseEvent['quarantineRelease']) => {
    const work = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => releaseHeld(intake(), release))
      .catch((error: unknown) =>
        log('error', 'quarantine release failed', {
          quarantineId: release.id,
          error: error instanceof Error ? error.name : 'unknown',
        }),
      );
    running = Promise.all([running, work]);
  };
  return Object.assign(dispatch, { settled: () => running.then(() => undefined) });
}

/** The intake's side: runs a requested release (idempotent: a released entry answers what it became). */
export async function releaseHeld(
  intake: Intake,
  release: ReleaseEvent['quarantineRelease'],
): Promise<IntakeResult> {
  const result = await intake.release(release.id, release.agent);
  log('info', 'quarantine released', { quarantineId: release.id, ...result });
  return result;
}

const dispatchers = new WeakMap<AppContext, ReleaseDispatch>();

/** The dispatch the context's settings call for: the intake function in AWS, in-process elsewhere. */
export function releaseDispatchOf(
  ctx: AppContext,
  inProcess: () => ReleaseDispatch,
  lambda: (name: string) => ReleaseDispatch,
): ReleaseDispatch {
  let dispatch = dispatchers.get(ctx);
  if (!dispatch) {
    const name = ctx.settings.mailIntakeFunction;
    dispatch = name ? lambda(name) : inProcess();
    dispatchers.set(ctx, dispatch);
  }
  return dispatch;
}
