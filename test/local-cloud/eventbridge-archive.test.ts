import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../local-cloud/aws-protocol.js';
import { LocalEventBridge } from '../../local-cloud/eventbridge/event-bus.js';
import { BUS_ARN, BUS_NAME, orderPlacedEntry, QUEUE_ARN, RecordingDispatcher, ruleArn } from './eventbridge-support.js';

const ARCHIVE_ARN = 'arn:aws:events:us-east-1:000000000000:archive/orders-archive';
const AUDIT_QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:audit-queue';
const temporaryDirectories: string[] = [];

function createBridge(persistDir?: string) {
  const dispatcher = new RecordingDispatcher();
  const bridge = new LocalEventBridge({ dispatcher, ...(persistDir ? { persistDir } : {}) });
  bridge.addBus({ name: BUS_NAME, arn: BUS_ARN });
  bridge.addRule({
    name: 'orders',
    arn: ruleArn('orders'),
    eventBusName: BUS_NAME,
    state: 'ENABLED',
    eventPattern: { source: ['com.sagastack.checkout'] },
    targets: [{ id: 'queue', arn: QUEUE_ARN }],
  });
  bridge.addRule({
    name: 'audit',
    arn: ruleArn('audit'),
    eventBusName: BUS_NAME,
    state: 'ENABLED',
    eventPattern: { source: [{ prefix: 'com.sagastack' }] },
    targets: [{ id: 'audit', arn: AUDIT_QUEUE_ARN }],
  });
  bridge.addArchive({
    name: 'orders-archive',
    arn: ARCHIVE_ARN,
    sourceArn: BUS_ARN,
    eventPattern: { 'detail-type': ['OrderPlaced.v1'] },
  });
  return { bridge, dispatcher };
}

afterEach(() => {
  for (const directory of temporaryDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('EventBridge archives and replays', () => {
  it('archives matching events and replays them, tagged with replay-name, to the bus rules', async () => {
    // Prepare
    const { bridge, dispatcher } = createBridge();
    const start = new Date(Date.now() - 60_000);
    bridge.putEvents([
      orderPlacedEntry({ orderId: 'o-1' }),
      { ...orderPlacedEntry(), DetailType: 'OrderCancelled.v1' },
    ]);
    await bridge.whenIdle();
    dispatcher.deliveries.length = 0;

    // Act
    const started = bridge.startReplay({
      replayName: 'replay-1',
      archiveArn: ARCHIVE_ARN,
      eventStartTime: start,
      eventEndTime: new Date(Date.now() + 60_000),
      destination: { arn: BUS_ARN },
    });
    await bridge.whenIdle();

    // Assess
    expect(started.state).toBe('STARTING');
    expect(bridge.describeReplay('replay-1').state).toBe('COMPLETED');
    const replayed = dispatcher.inputsFor(QUEUE_ARN) as Array<Record<string, unknown>>;
    expect(replayed).toHaveLength(1);
    expect(replayed[0]).toMatchObject({ 'replay-name': 'replay-1', detail: { orderId: 'o-1' } });
    expect(dispatcher.inputsFor(AUDIT_QUEUE_ARN)).toHaveLength(1);
    expect(bridge.describeArchive('orders-archive').retained()).toHaveLength(1);
  });

  it('replays only events received inside the time range, and only to the filtered rules', async () => {
    // Prepare
    const { bridge, dispatcher } = createBridge();
    bridge.putEvents([orderPlacedEntry({ orderId: 'early' })]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const middle = new Date();
    bridge.putEvents([orderPlacedEntry({ orderId: 'late' })]);
    await bridge.whenIdle();
    dispatcher.deliveries.length = 0;

    // Act
    bridge.startReplay({
      replayName: 'late-only',
      archiveArn: ARCHIVE_ARN,
      eventStartTime: middle,
      eventEndTime: new Date(Date.now() + 1000),
      destination: { arn: BUS_ARN, filterArns: [ruleArn('audit')] },
    });
    await bridge.whenIdle();

    // Assess
    expect(dispatcher.inputsFor(QUEUE_ARN)).toHaveLength(0);
    expect(dispatcher.inputsFor(AUDIT_QUEUE_ARN)).toEqual([expect.objectContaining({ detail: { orderId: 'late' } })]);
  });

  it('refuses replays AWS refuses', () => {
    // Prepare
    const { bridge } = createBridge();
    const range = { eventStartTime: new Date(Date.now() - 1000), eventEndTime: new Date() };

    // Act
    const crossBus = () =>
      bridge.startReplay({
        replayName: 'x',
        archiveArn: ARCHIVE_ARN,
        ...range,
        destination: { arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default' },
      });
    const reversed = () =>
      bridge.startReplay({
        replayName: 'y',
        archiveArn: ARCHIVE_ARN,
        eventStartTime: range.eventEndTime,
        eventEndTime: range.eventStartTime,
        destination: { arn: BUS_ARN },
      });
    const unknownArchive = () =>
      bridge.startReplay({
        replayName: 'z',
        archiveArn: `${ARCHIVE_ARN}-nope`,
        ...range,
        destination: { arn: BUS_ARN },
      });

    // Assess
    expect(crossBus).toThrow(/Cross event bus replay is not permitted/);
    expect(reversed).toThrow(/EventStartTime must be before EventEndTime/);
    expect(unknownArchive).toThrow(AwsServiceError);
  });

  it('keeps archives in JSON-lines files across restarts when given a directory', async () => {
    // Prepare
    const directory = mkdtempSync(join(tmpdir(), 'eventbridge-archive-'));
    temporaryDirectories.push(directory);
    const first = createBridge(directory);
    first.bridge.putEvents([orderPlacedEntry({ orderId: 'persisted' })]);
    await first.bridge.whenIdle();

    // Act
    const second = createBridge(directory);
    second.bridge.startReplay({
      replayName: 'after-restart',
      archiveArn: ARCHIVE_ARN,
      eventStartTime: new Date(Date.now() - 60_000),
      eventEndTime: new Date(Date.now() + 60_000),
      destination: { arn: BUS_ARN },
    });
    await second.bridge.whenIdle();

    // Assess
    const lines = readFileSync(join(directory, 'eventbridge-archive-orders-archive.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(second.dispatcher.inputsFor(QUEUE_ARN)).toEqual([
      expect.objectContaining({ 'replay-name': 'after-restart', detail: { orderId: 'persisted' } }),
    ]);
  });
});
