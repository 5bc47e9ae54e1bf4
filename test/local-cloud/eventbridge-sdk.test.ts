import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeEventBusCommand,
  DescribeReplayCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListArchivesCommand,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  StartReplayCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonApiListener } from '../../local-cloud/aws-protocol.js';
import { eventBridgeApi } from '../../local-cloud/eventbridge/api.js';
import { LocalEventBridge } from '../../local-cloud/eventbridge/event-bus.js';
import { BUS_ARN, BUS_NAME, QUEUE_ARN, RecordingDispatcher, ruleArn } from './eventbridge-support.js';

const ARCHIVE_ARN = 'arn:aws:events:us-east-1:000000000000:archive/all-orders';

let server: Server;
let client: EventBridgeClient;
const dispatcher = new RecordingDispatcher();
const bridge = new LocalEventBridge({ dispatcher });

beforeAll(async () => {
  bridge.addBus({ name: BUS_NAME, arn: BUS_ARN });
  bridge.addRule({
    name: 'notify-customer',
    arn: ruleArn('notify-customer'),
    eventBusName: BUS_NAME,
    state: 'ENABLED',
    description: 'Tells the customer the order was placed',
    eventPattern: { source: ['com.sagastack.checkout'], detail: { total: [{ numeric: ['>', 0] }] } },
    targets: [
      {
        id: 'notifications',
        arn: QUEUE_ARN,
        inputTransformer: {
          inputPathsMap: { order: '$.detail.orderId', email: '$.detail.customer.email' },
          inputTemplate: '{"to": <email>, "subject": "Order <order> placed", "rule": <aws.events.rule-name>}',
        },
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
    ],
  });
  bridge.addArchive({ name: 'all-orders', arn: ARCHIVE_ARN, sourceArn: BUS_ARN, retentionDays: 7 });
  server = createServer(jsonApiListener(eventBridgeApi(bridge)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new EventBridgeClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  client.destroy();
  await bridge.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const placed = {
  EventBusName: BUS_NAME,
  Source: 'com.sagastack.checkout',
  DetailType: 'OrderPlaced.v1',
  Detail: JSON.stringify({ orderId: 'o-77', total: 19.9, customer: { email: 'ada@example.com' } }),
};

describe('EventBridge through the AWS SDK EventBridgeClient', () => {
  it('PutEvents delivers the transformed input to the rule target', async () => {
    // Prepare
    dispatcher.deliveries.length = 0;

    // Act
    const response = await client.send(new PutEventsCommand({ Entries: [placed] }));
    await bridge.whenIdle();

    // Assess
    expect(response.FailedEntryCount).toBe(0);
    expect(response.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(dispatcher.inputsFor(QUEUE_ARN)).toEqual([
      { to: 'ada@example.com', subject: 'Order o-77 placed', rule: 'notify-customer' },
    ]);
  });

  it('PutEvents reports a bad entry and keeps the good one', async () => {
    // Act
    const response = await client.send(new PutEventsCommand({ Entries: [{ ...placed, Detail: 'oops' }, placed] }));
    await bridge.whenIdle();

    // Assess
    expect(response.FailedEntryCount).toBe(1);
    expect(response.Entries?.[0]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(response.Entries?.[1]?.EventId).toBeDefined();
  });

  it('PutEvents with more than 10 entries fails with ValidationException', async () => {
    // Act
    const attempt = client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => placed) }));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('PutEvents keeps the entry Time, sent by the SDK as epoch seconds', async () => {
    // Prepare
    dispatcher.deliveries.length = 0;
    const passthrough = 'arn:aws:sqs:us-east-1:000000000000:raw';
    bridge.addRule({
      name: 'raw',
      arn: ruleArn('raw'),
      eventBusName: BUS_NAME,
      state: 'ENABLED',
      eventPattern: { 'detail-type': ['Timed.v1'] },
      targets: [{ id: 'raw', arn: passthrough }],
    });

    // Act
    await client.send(
      new PutEventsCommand({
        Entries: [{ ...placed, DetailType: 'Timed.v1', Time: new Date('2023-03-04T05:06:07Z') }],
      }),
    );
    await bridge.whenIdle();

    // Assess
    expect(dispatcher.inputsFor(passthrough)).toEqual([expect.objectContaining({ time: '2023-03-04T05:06:07Z' })]);
  });

  it('ListRules, DescribeRule and ListTargetsByRule describe the configured rule', async () => {
    // Act
    const rules = await client.send(new ListRulesCommand({ EventBusName: BUS_NAME, NamePrefix: 'notify' }));
    const rule = await client.send(new DescribeRuleCommand({ Name: 'notify-customer', EventBusName: BUS_NAME }));
    const targets = await client.send(
      new ListTargetsByRuleCommand({ Rule: 'notify-customer', EventBusName: BUS_NAME }),
    );

    // Assess
    expect(rules.Rules?.map((listed) => listed.Name)).toEqual(['notify-customer']);
    expect(rule).toMatchObject({
      Name: 'notify-customer',
      Arn: ruleArn('notify-customer'),
      State: 'ENABLED',
      EventBusName: BUS_NAME,
      Description: 'Tells the customer the order was placed',
    });
    expect(JSON.parse(rule.EventPattern ?? '{}')).toEqual({
      source: ['com.sagastack.checkout'],
      detail: { total: [{ numeric: ['>', 0] }] },
    });
    expect(targets.Targets?.[0]).toMatchObject({
      Id: 'notifications',
      Arn: QUEUE_ARN,
      InputTransformer: { InputPathsMap: { order: '$.detail.orderId', email: '$.detail.customer.email' } },
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
    });
  });

  it('DescribeRule of an unknown rule fails with ResourceNotFoundException', async () => {
    // Act
    const attempt = client.send(new DescribeRuleCommand({ Name: 'ghost', EventBusName: BUS_NAME }));

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Rule ghost does not exist on EventBus ${BUS_NAME}.`,
    });
  });

  it('DescribeEventBus and ListEventBuses list the default and configured buses', async () => {
    // Act
    const bus = await client.send(new DescribeEventBusCommand({ Name: BUS_NAME }));
    const buses = await client.send(new ListEventBusesCommand({}));

    // Assess
    expect(bus).toMatchObject({ Name: BUS_NAME, Arn: BUS_ARN });
    expect(buses.EventBuses?.map((listed) => listed.Name).sort()).toEqual(['default', BUS_NAME].sort());
  });

  it('ListArchives, StartReplay and DescribeReplay replay archived events', async () => {
    // Prepare
    const start = new Date(Date.now() - 60_000);
    dispatcher.deliveries.length = 0;

    // Act
    const archives = await client.send(new ListArchivesCommand({ EventSourceArn: BUS_ARN }));
    const started = await client.send(
      new StartReplayCommand({
        ReplayName: 'sdk-replay',
        EventSourceArn: ARCHIVE_ARN,
        EventStartTime: start,
        EventEndTime: new Date(Date.now() + 60_000),
        Destination: { Arn: BUS_ARN, FilterArns: [ruleArn('notify-customer')] },
      }),
    );
    await bridge.whenIdle();
    const replay = await client.send(new DescribeReplayCommand({ ReplayName: 'sdk-replay' }));

    // Assess
    expect(archives.Archives?.[0]).toMatchObject({ ArchiveName: 'all-orders', RetentionDays: 7, State: 'ENABLED' });
    expect(archives.Archives?.[0]?.EventCount).toBeGreaterThanOrEqual(3);
    expect(started.State).toBe('STARTING');
    expect(replay).toMatchObject({ ReplayName: 'sdk-replay', State: 'COMPLETED', EventSourceArn: ARCHIVE_ARN });
    expect(replay.EventStartTime?.getTime()).toBe(start.getTime());
    expect(replay.ReplayEndTime).toBeInstanceOf(Date);
    expect(dispatcher.inputsFor(QUEUE_ARN).length).toBeGreaterThanOrEqual(2);
  });

  it('TestEventPattern answers whether an event matches', async () => {
    // Prepare
    const event = JSON.stringify({
      id: '1',
      source: 'com.sagastack.checkout',
      'detail-type': 'OrderPlaced.v1',
      account: '000000000000',
      time: '2024-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { total: 5 },
    });

    // Act
    const hit = await client.send(
      new TestEventPatternCommand({ EventPattern: '{"detail":{"total":[5]}}', Event: event }),
    );
    const invalid = client.send(new TestEventPatternCommand({ EventPattern: '{"detail":"x"}', Event: event }));

    // Assess
    expect(hit.Result).toBe(true);
    await expect(invalid).rejects.toMatchObject({ name: 'InvalidEventPatternException' });
  });

  it('TestEventPattern refuses a wildcard pattern that is too complex, as AWS does', async () => {
    // Prepare: eb-create-pattern-operators.html ("Wildcard matching"), API_TestEventPattern.html (InvalidEventPatternException).
    const event = JSON.stringify({
      id: '1',
      source: 'aws.s3',
      'detail-type': 'Object Created',
      account: '000000000000',
      time: '2024-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { object: { key: 'in/datasync/a.tif' } },
    });
    const keys = ['bif', 'tif', 'tiff', 'svs'].map((extension) => ({ wildcard: `*/datasync/*.${extension}` }));

    // Act
    const simple = await client.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ detail: { object: { key: keys.slice(0, 2) } } }),
        Event: event,
      }),
    );
    const complex = client.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ detail: { object: { key: keys } } }),
        Event: event,
      }),
    );

    // Assess
    expect(simple.Result).toBe(true);
    await expect(complex).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
      message:
        'Event pattern is not valid. Reason: Rule is too complex - try using fewer wildcard characters or fewer ' +
        'repeating character sequences after a wildcard character',
    });
  });

  it('configuration-changing operations are refused loudly', async () => {
    // Act
    const attempt = client.send(new PutRuleCommand({ Name: 'new-rule', EventPattern: '{"source":["x"]}' }));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'UnknownOperationException' });
  });
});
