// Handing a released quarantine entry to the intake function: an asynchronous invocation of that
// function with the entry and the agent (aws-sdk-client-mock), refused unless Lambda queued it; the
// intake's entry ignores a release event it cannot read instead of retrying it into its queue.

import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { handler } from '../../functions/email/handler.ts';
import { lambdaReleaseDispatch } from '../../functions/email/release.ts';

const lambda = mockClient(LambdaClient);
beforeEach(() => lambda.reset());

describe('release hand-over', () => {
  test('invokes the intake asynchronously with the entry and the agent', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    await lambdaReleaseDispatch(
      new LambdaClient({ region: 'eu-west-1' }),
      'desk-intake',
    )({ id: 'q-1', agent: 'key-7' });
    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ FunctionName: 'desk-intake', InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual({
      quarantineRelease: { id: 'q-1', agent: 'key-7' },
    });
  });

  test('fails when Lambda did not queue the event, or refused the call', async () => {
    const dispatch = lambdaReleaseDispatch(
      new LambdaClient({ region: 'eu-west-1', maxAttempts: 1 }),
      'desk-intake',
    );
    lambda.on(InvokeCommand).resolves({ StatusCode: 500 });
    await expect(dispatch({ id: 'q-1', agent: 'key-7' })).rejects.toThrow(/answered 500/);
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(dispatch({ id: 'q-1', agent: 'key-7' })).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  test('the intake drops a release event it cannot read, logging the field', async () => {
    const errors = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(
      await handler({ quarantineRelease: { id: '' } }, { awsRequestId: 'release-test' } as Context),
    ).toEqual([]);
    const line = errors.mock.calls.map(([l]) => String(l)).find((l) => l.includes('release event invalid'));
    expect(JSON.parse(line!).issues).toEqual(
      expect.arrayContaining(['quarantineRelease.id', 'quarantineRelease.agent']),
    );
    errors.mockRestore();
  });
});
