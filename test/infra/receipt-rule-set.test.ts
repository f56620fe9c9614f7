// The receipt rule set custom resource's handler: it activates our set only when that takes no one
// else's mail (none active, ours already, or takeover asked), deactivates on delete only if ours is
// active, and always answers CloudFormation, failures included. SES is mocked; the response goes to
// a real local HTTP server, as CloudFormation's presigned URL would receive it.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeActiveReceiptRuleSetCommand,
  SESClient,
  SetActiveReceiptRuleSetCommand,
} from '@aws-sdk/client-ses';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { applyActivation, handler } from '../../lib/custom-resources/receipt-rule-set.ts';

const ses = mockClient(SESClient);
const OURS = 'SupportDesk-prod-inbound';

function event(
  requestType: 'Create' | 'Update' | 'Delete',
  takeOver = false,
  responseURL = 'http://127.0.0.1:9/unused',
): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:activation',
    ResponseURL: responseURL,
    StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/SupportDesk-prod/guid',
    RequestId: 'request-1',
    LogicalResourceId: 'MailActivateRuleSet',
    ResourceType: 'Custom::ActiveReceiptRuleSet',
    ResourceProperties: { ServiceToken: 'token', RuleSetName: OURS, TakeOver: String(takeOver) },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: OURS,
      OldResourceProperties: common.ResourceProperties,
    };
  }
  return { ...common, RequestType: 'Delete', PhysicalResourceId: OURS };
}

const activeIs = (name: string | undefined) =>
  ses
    .on(DescribeActiveReceiptRuleSetCommand)
    .resolves(name === undefined ? {} : { Metadata: { Name: name } });
const switches = () => ses.commandCalls(SetActiveReceiptRuleSetCommand).map((call) => call.args[0].input);

beforeEach(() => {
  ses.reset();
  ses.on(SetActiveReceiptRuleSetCommand).resolves({});
});

describe('create and update', () => {
  test.each(['Create', 'Update'] as const)('%s with no active set activates ours', async (type) => {
    activeIs(undefined);
    const outcome = await applyActivation(new SESClient({}), event(type), 'eu-west-1');
    expect(outcome).toMatchObject({ status: 'SUCCESS', physicalResourceId: OURS });
    expect(switches()).toEqual([{ RuleSetName: OURS }]);
  });

  test('ours already active: nothing is switched', async () => {
    activeIs(OURS);
    const outcome = await applyActivation(new SESClient({}), event('Update'), 'eu-west-1');
    expect(outcome.status).toBe('SUCCESS');
    expect(switches()).toEqual([]);
  });

  test.each(['Create', 'Update'] as const)(
    '%s with another active set refuses, naming it and the takeover setting',
    async (type) => {
      activeIs('corporate-mail');
      const outcome = await applyActivation(new SESClient({}), event(type), 'eu-west-1');
      expect(outcome.status).toBe('FAILED');
      expect(outcome.reason).toMatch(/eu-west-1 already uses the rule set corporate-mail/);
      expect(outcome.reason).toContain('-c takeOverMailReceiving=true');
      expect(switches()).toEqual([]);
    },
  );

  test('with takeover, another active set is replaced and named in the outcome', async () => {
    activeIs('SupportDesk-staging-inbound');
    const outcome = await applyActivation(new SESClient({}), event('Create', true), 'eu-west-1');
    expect(outcome).toMatchObject({
      status: 'SUCCESS',
      data: { PreviouslyActive: 'SupportDesk-staging-inbound' },
    });
    expect(outcome.reason).toContain('in place of SupportDesk-staging-inbound');
    expect(switches()).toEqual([{ RuleSetName: OURS }]);
  });
});

describe('delete', () => {
  test('ours active: receiving is switched off', async () => {
    activeIs(OURS);
    const outcome = await applyActivation(new SESClient({}), event('Delete'), 'eu-west-1');
    expect(outcome.status).toBe('SUCCESS');
    expect(switches()).toEqual([{}]);
  });

  test.each([
    ['another set', 'corporate-mail'],
    ['none', undefined],
  ])('%s active: receiving is left as it is', async (_label, active) => {
    activeIs(active);
    const outcome = await applyActivation(new SESClient({}), event('Delete', true), 'eu-west-1');
    expect(outcome.status).toBe('SUCCESS');
    expect(switches()).toEqual([]);
  });
});

describe('the answer to CloudFormation', () => {
  let server: Server;
  let url: string;
  const received: { method?: string; contentType?: string; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    server = createServer(async (request: IncomingMessage, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      received.push({
        ...(request.method ? { method: request.method } : {}),
        ...(request.headers['content-type'] !== undefined
          ? { contentType: request.headers['content-type'] }
          : {}),
        body: JSON.parse(body),
      });
      response.end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response?signature=x`;
  });

  afterAll(() => server.close());
  beforeEach(() => {
    received.length = 0;
  });

  test('a refusal is PUT as FAILED with the reason, the ids CloudFormation matches it by', async () => {
    activeIs('corporate-mail');
    await handler(event('Create', false, url));
    expect(received).toEqual([
      {
        method: 'PUT',
        contentType: '',
        body: {
          Status: 'FAILED',
          Reason: expect.stringContaining('takeOverMailReceiving=true'),
          PhysicalResourceId: OURS,
          StackId: expect.stringContaining('stack/SupportDesk-prod'),
          RequestId: 'request-1',
          LogicalResourceId: 'MailActivateRuleSet',
          Data: { PreviouslyActive: 'corporate-mail' },
        },
      },
    ]);
  });

  test('an SES error still answers (FAILED), so the stack does not wait an hour', async () => {
    ses
      .on(DescribeActiveReceiptRuleSetCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await handler(event('Delete', false, url));
    expect(received).toHaveLength(1);
    expect(received[0]?.body).toMatchObject({
      Status: 'FAILED',
      Reason: 'SES AccessDenied: denied',
      PhysicalResourceId: OURS,
    });
  });

  test('a success is PUT as SUCCESS', async () => {
    activeIs(undefined);
    await handler(event('Create', false, url));
    expect(received[0]?.body).toMatchObject({ Status: 'SUCCESS', Reason: `activated ${OURS}` });
  });
});
