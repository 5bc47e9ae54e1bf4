import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../local-cloud/aws-protocol.js';
import { LocalEventBridge } from '../../local-cloud/eventbridge/event-bus.js';
import { UnsupportedEventPatternError } from '../../local-cloud/eventbridge/pattern.js';
import {
  InvalidEventBridgeConfigError,
  InvalidTargetConfigError,
  UnsupportedTargetOptionError,
} from '../../local-cloud/eventbridge/rule.js';
import type { RuleConfig, TargetConfig } from '../../local-cloud/eventbridge/types.js';
import { BUS_ARN, BUS_NAME, orderPlacedEntry, QUEUE_ARN, RecordingDispatcher, ruleArn } from './eventbridge-support.js';

function bridgeWithRule(rule: Partial<RuleConfig> = {}) {
  const dispatcher = new RecordingDispatcher();
  const bridge = new LocalEventBridge({ dispatcher });
  bridge.addBus({ name: BUS_NAME, arn: BUS_ARN });
  bridge.addRule({
    name: 'order-placed',
    arn: ruleArn('order-placed'),
    eventBusName: BUS_NAME,
    state: 'ENABLED',
    eventPattern: { source: ['com.sagastack.checkout'], 'detail-type': ['OrderPlaced.v1'] },
    targets: [{ id: 'queue', arn: QUEUE_ARN }],
    ...rule,
  });
  return { bridge, dispatcher };
}

describe('LocalEventBridge PutEvents', () => {
  it('builds the AWS envelope and delivers it to the matching rule target after answering', async () => {
    // Prepare
    const { bridge, dispatcher } = bridgeWithRule();

    // Act
    const result = bridge.putEvents([
      { ...orderPlacedEntry(), Resources: ['arn:aws:s3:::b'], Time: new Date('2024-05-01T10:00:00.789Z') },
    ]);
    const deliveredBeforeIdle = dispatcher.deliveries.length;
    await bridge.whenIdle();

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(deliveredBeforeIdle).toBe(0);
    const [eventId] = result.Entries.map((entry) => ('EventId' in entry ? entry.EventId : undefined));
    expect(dispatcher.inputsFor(QUEUE_ARN)).toEqual([
      {
        version: '0',
        id: eventId,
        'detail-type': 'OrderPlaced.v1',
        source: 'com.sagastack.checkout',
        account: '000000000000',
        time: '2024-05-01T10:00:00Z',
        region: 'us-east-1',
        resources: ['arn:aws:s3:::b'],
        detail: { orderId: 'o-1', total: 42 },
      },
    ]);
  });

  it('stamps the event with the time of receipt, without milliseconds, when the entry has no Time', async () => {
    // Prepare
    const { bridge, dispatcher } = bridgeWithRule();

    // Act
    bridge.putEvents([orderPlacedEntry()]);
    await bridge.whenIdle();

    // Assess
    const [event] = dispatcher.inputsFor(QUEUE_ARN) as Array<{ time: string }>;
    expect(event?.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('reports invalid entries one by one and still accepts the valid ones', async () => {
    // Prepare
    const { bridge, dispatcher } = bridgeWithRule();
    const valid = orderPlacedEntry();

    // Act
    const result = bridge.putEvents([
      { ...valid, Source: undefined },
      { ...valid, DetailType: undefined },
      { ...valid, Detail: undefined },
      { ...valid, Detail: '{not json' },
      { ...valid, Detail: '[1,2]' },
      { ...valid, Source: 'aws.ec2' },
      { ...valid, EventBusName: 'nope' },
      valid,
    ]);
    await bridge.whenIdle();

    // Assess
    expect(result.FailedEntryCount).toBe(7);
    expect(result.Entries.slice(0, 7)).toEqual([
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus nope does not exist.' },
    ]);
    expect(result.Entries[7]).toHaveProperty('EventId');
    expect(dispatcher.deliveries).toHaveLength(1);
  });

  it('refuses a call with more than 10 entries or over 256 KB, as a whole', () => {
    // Prepare
    const { bridge } = bridgeWithRule();
    const eleven = Array.from({ length: 11 }, () => orderPlacedEntry());
    const huge = orderPlacedEntry({ blob: 'x'.repeat(256 * 1024) });

    // Act
    const tooMany = () => bridge.putEvents(eleven);
    const tooBig = () => bridge.putEvents([huge]);
    const none = () => bridge.putEvents([]);

    // Assess
    expect(tooMany).toThrow(AwsServiceError);
    expect(tooMany).toThrow(/less than or equal to 10/);
    expect(tooBig).toThrow('Total size of the entries in the request is over the limit.');
    expect(none).toThrow(AwsServiceError);
  });

  it('accepts the bus by ARN and routes only to rules of that bus', async () => {
    // Prepare
    const { bridge, dispatcher } = bridgeWithRule();
    const otherQueue = 'arn:aws:sqs:us-east-1:000000000000:default-bus-queue';
    bridge.addRule({
      name: 'on-default',
      arn: 'arn:aws:events:us-east-1:000000000000:rule/on-default',
      eventBusName: 'default',
      state: 'ENABLED',
      eventPattern: { source: ['com.sagastack.checkout'] },
      targets: [{ id: 'q', arn: otherQueue }],
    });

    // Act
    bridge.putEvents([{ ...orderPlacedEntry(), EventBusName: BUS_ARN }]);
    await bridge.whenIdle();

    // Assess
    expect(dispatcher.inputsFor(QUEUE_ARN)).toHaveLength(1);
    expect(dispatcher.inputsFor(otherQueue)).toHaveLength(0);
  });

  it('skips disabled rules and events that do not match', async () => {
    // Prepare
    const { bridge, dispatcher } = bridgeWithRule({ state: 'DISABLED' });
    bridge.addRule({
      name: 'refunds',
      arn: ruleArn('refunds'),
      eventBusName: BUS_NAME,
      state: 'ENABLED',
      eventPattern: '{"detail-type":["RefundIssued.v1"]}',
      targets: [{ id: 'queue', arn: QUEUE_ARN }],
    });

    // Act
    bridge.putEvents([orderPlacedEntry()]);
    await bridge.whenIdle();

    // Assess
    expect(dispatcher.deliveries).toHaveLength(0);
  });

  it('passes the message group id and the event id as deduplication id to FIFO targets', async () => {
    // Prepare
    const fifo = 'arn:aws:sqs:us-east-1:000000000000:orders.fifo';
    const { bridge, dispatcher } = bridgeWithRule({
      targets: [{ id: 'fifo', arn: fifo, sqsMessageGroupId: 'orders' }],
    });

    // Act
    const result = bridge.putEvents([orderPlacedEntry()]);
    await bridge.whenIdle();

    // Assess
    const eventId = 'EventId' in (result.Entries[0] ?? {}) ? (result.Entries[0] as { EventId: string }).EventId : '';
    expect(dispatcher.deliveries[0]?.options).toEqual({
      sqsMessageGroupId: 'orders',
      messageDeduplicationId: eventId,
      attempt: { eventId, retries: 0 },
      ruleArn: expect.stringMatching(/^arn:aws:events:[^:]+:\d+:rule\//),
    });
  });
});

describe('LocalEventBridge scheduled rules', () => {
  it('fires the scheduled-event shape to the rule targets on demand', async () => {
    // Prepare
    const dispatcher = new RecordingDispatcher();
    const bridge = new LocalEventBridge({ dispatcher });
    const arn = 'arn:aws:events:us-east-1:000000000000:rule/nightly-report';
    bridge.addRule({
      name: 'nightly-report',
      arn,
      eventBusName: 'default',
      state: 'ENABLED',
      scheduleExpression: 'cron(0 2 * * ? *)',
      targets: [{ id: 'fn', arn: 'arn:aws:lambda:us-east-1:000000000000:function:report' }],
    });

    // Act
    const fired = bridge.fireScheduledRule('nightly-report');
    await bridge.whenIdle();

    // Assess
    expect(dispatcher.inputsFor('arn:aws:lambda:us-east-1:000000000000:function:report')).toEqual([
      {
        version: '0',
        id: fired.id,
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: fired.time,
        region: 'us-east-1',
        resources: [arn],
        detail: {},
      },
    ]);
  });

  it('refuses to fire a rule that has no schedule', () => {
    // Prepare
    const { bridge } = bridgeWithRule({ eventBusName: 'default', arn: 'arn:aws:events:us-east-1:000000000000:rule/x' });

    // Act
    const fire = () => bridge.fireScheduledRule('order-placed');

    // Assess
    expect(fire).toThrow(/does not exist/);
  });
});

describe('LocalEventBridge rule configuration checks at boot', () => {
  const target: TargetConfig = { id: 'queue', arn: QUEUE_ARN };

  it.each<[string, Partial<RuleConfig>, new (...args: never[]) => Error, RegExp]>([
    [
      'neither pattern nor schedule',
      { eventPattern: undefined },
      InvalidEventBridgeConfigError,
      /EventPattern or a ScheduleExpression/,
    ],
    [
      'a schedule off the default bus',
      { scheduleExpression: 'rate(5 minutes)' },
      InvalidEventBridgeConfigError,
      /default event bus/,
    ],
    [
      'an unsupported pattern operator',
      { eventPattern: { source: [{ contains: 'x' }] } },
      UnsupportedEventPatternError,
      /contains/,
    ],
    [
      'an unsupported target option',
      { targets: [{ ...target, ecsParameters: {} } as TargetConfig] },
      UnsupportedTargetOptionError,
      /ecsParameters/,
    ],
    [
      'a retry policy out of range',
      { targets: [{ ...target, retryPolicy: { maximumRetryAttempts: 200 } }] },
      InvalidTargetConfigError,
      /MaximumRetryAttempts/,
    ],
    [
      'a FIFO queue target without a message group',
      { targets: [{ id: 'f', arn: 'arn:aws:sqs:us-east-1:000000000000:q.fifo' }] },
      InvalidTargetConfigError,
      /MessageGroupId/,
    ],
    [
      'six targets',
      { targets: Array.from({ length: 6 }, (_, i) => ({ ...target, id: `t${i}` })) },
      InvalidEventBridgeConfigError,
      /at most 5/,
    ],
    ['an unknown bus', { eventBusName: 'ghost' }, InvalidEventBridgeConfigError, /ghost does not exist/],
  ])('throws for %s', (_label, override, errorClass, message) => {
    // Prepare
    const dispatcher = new RecordingDispatcher();
    const bridge = new LocalEventBridge({ dispatcher });
    bridge.addBus({ name: BUS_NAME, arn: BUS_ARN });
    const rule: RuleConfig = {
      name: 'r',
      arn: ruleArn('r'),
      eventBusName: BUS_NAME,
      state: 'ENABLED',
      eventPattern: { source: ['x'] },
      targets: [target],
      ...override,
    };

    // Act
    const add = () => bridge.addRule(rule);

    // Assess
    expect(add).toThrow(errorClass);
    expect(add).toThrow(message);
  });

  it('accepts valid rate expressions and rejects malformed ones', () => {
    // Prepare
    const bridge = new LocalEventBridge({ dispatcher: new RecordingDispatcher() });
    const scheduled = (name: string, scheduleExpression: string): RuleConfig => ({
      name,
      arn: `arn:aws:events:us-east-1:000000000000:rule/${name}`,
      eventBusName: 'default',
      state: 'ENABLED',
      scheduleExpression,
      targets: [target],
    });

    // Act
    const valid = () => bridge.addRule(scheduled('ok', 'rate(1 hour)'));
    const plural = () => bridge.addRule(scheduled('bad', 'rate(1 hours)'));

    // Assess
    expect(valid).not.toThrow();
    expect(plural).toThrow(InvalidEventBridgeConfigError);
    expect(bridge.listRules().map((rule) => rule.name)).toEqual(['ok']);
  });
});
