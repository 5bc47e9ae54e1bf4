import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../local-cloud/faults/fault-plan.js';
import {
  createLambdaRuntime,
  type LambdaRuntime,
  sdkEventSourceQueue,
  startSqsEventSourceMapping,
} from '../../local-cloud/lambda/index.js';
import { judgeBatch } from '../../local-cloud/lambda/sqs-event.js';
import { type AssetDirectories, createAssetDirectories, functionSpec, HANDLERS_SOURCE } from './lambda-fixture.js';
import { eventually } from './sqs-harness.js';

interface Queues {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
}

let fauxqs: FauxqsServer;
let sqs: SQSClient;
let assets: AssetDirectories;
let handlersDirectory: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false });
  sqs = new SQSClient({
    endpoint: `http://127.0.0.1:${fauxqs.port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // fauxqs hands out queue URLs on a `sqs.<region>.localhost` host; keep requests on the endpoint above.
    useQueueUrlAsEndpoint: false,
  });
  assets = await createAssetDirectories();
  handlersDirectory = await assets.create('handlers', { 'index.js': HANDLERS_SOURCE });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  sqs.destroy();
  await fauxqs.stop();
  await assets.remove();
});

/** A queue whose messages move to a dead-letter queue after two receives, visible again 1 s after a failure. */
async function createQueues(name: string, maxReceiveCount = 2): Promise<Queues> {
  const deadLetterQueue = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const deadLetterQueueUrl = deadLetterQueue.QueueUrl ?? '';
  const deadLetterAttributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetterAttributes.Attributes?.QueueArn,
          maxReceiveCount,
        }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl ?? '';
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { queueUrl, queueArn: attributes.Attributes?.QueueArn ?? '', deadLetterQueueUrl };
}

/** Starts a runtime with one function whose handler writes every record it sees to a file. */
async function startFunction(
  name: string,
  handler: string,
  environments = 1,
  overrides: { environment?: Record<string, string>; timeoutSeconds?: number } = {},
): Promise<{ runtime: LambdaRuntime; seen: () => Promise<Record<string, unknown>[]> }> {
  const seenFile = path.join(assets.root, `${name}-seen.jsonl`);
  await writeFile(seenFile, '');
  const runtime = createLambdaRuntime({
    functions: [
      functionSpec(name, handlersDirectory, handler, {
        ...overrides,
        environment: { ...overrides.environment, SEEN_FILE: seenFile },
      }),
    ],
    baseEnvironment: {},
    maxEnvironmentsPerFunction: environments,
  });
  cleanups.push(() => runtime.stop());
  const seen = async () =>
    (await readFile(seenFile, 'utf8'))
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { runtime, seen };
}

async function receiveFromDeadLetterQueue(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  const deadline = Date.now() + 15_000;
  while (bodies.length === 0 && Date.now() < deadline) {
    const response = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
    );
    bodies.push(...(response.Messages ?? []).map((message) => message.Body ?? ''));
  }
  return bodies;
}

/** A queue's visible and in-flight message counts, as `GetQueueAttributes` reports them. */
async function queueCounts(queueUrl: string) {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    ApproximateNumberOfMessages: Attributes?.ApproximateNumberOfMessages,
    ApproximateNumberOfMessagesNotVisible: Attributes?.ApproximateNumberOfMessagesNotVisible,
  };
}

/**
 * Waits until a queue holds nothing, visible or in flight: the poller deletes a message once the last invocation
 * returned, a moment after it wrote its record. Answers the counts.
 */
function queueDrained(queueUrl: string) {
  return eventually(async () => {
    const counts = await queueCounts(queueUrl);
    const drained = counts.ApproximateNumberOfMessages === '0' && counts.ApproximateNumberOfMessagesNotVisible === '0';
    return drained ? counts : undefined;
  });
}

describe('SQS event source mapping', () => {
  it('deletes only the successful records of a partial batch failure; the failing one ends in the DLQ', async () => {
    // Prepare
    const queues = await createQueues('partial');
    const { runtime, seen } = await startFunction('partial', 'index.sqsPartial');
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.queueUrl,
        Entries: [
          { Id: '1', MessageBody: 'ok-1', MessageAttributes: { source: { DataType: 'String', StringValue: 'test' } } },
          { Id: '2', MessageBody: 'fail-1' },
          { Id: '3', MessageBody: 'ok-2' },
        ],
      }),
    );

    // Act
    const mapping = startSqsEventSourceMapping({
      queue: sdkEventSourceQueue(sqs, queues.queueUrl),
      queueArn: queues.queueArn,
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:partial',
      batchSize: 10,
      reportBatchItemFailures: true,
      enabled: true,
      runtime,
    });
    cleanups.push(() => mapping.stop());
    const deadLetters = await receiveFromDeadLetterQueue(queues.deadLetterQueueUrl);
    await mapping.stop();

    // Assess
    expect(deadLetters).toEqual(['fail-1']);
    const records = await seen();
    const bodies = records.map((record) => record.body);
    expect(bodies.filter((body) => body === 'ok-1')).toHaveLength(1);
    expect(bodies.filter((body) => body === 'ok-2')).toHaveLength(1);
    expect(bodies.filter((body) => body === 'fail-1')).toHaveLength(2);
    expect(await queueCounts(queues.queueUrl)).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    expect(records.find((record) => record.body === 'ok-1')).toMatchObject({
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
      },
      messageAttributes: {
        source: { stringValue: 'test', stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
      md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: 'aws:sqs',
      eventSourceARN: queues.queueArn,
      awsRegion: 'us-east-1',
    });
  });

  it('leaves a whole batch on the queue when the function throws, so an always-failing message ends in the DLQ', async () => {
    // Prepare
    const queues = await createQueues('poison');
    const { runtime, seen } = await startFunction('poison', 'index.sqsThrow');
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: 'poison' }));

    // Act
    const mapping = startSqsEventSourceMapping({
      queue: sdkEventSourceQueue(sqs, queues.queueUrl),
      queueArn: queues.queueArn,
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:poison',
      batchSize: 1,
      reportBatchItemFailures: false,
      maximumConcurrency: 2,
      enabled: true,
      runtime,
    });
    cleanups.push(() => mapping.stop());
    const deadLetters = await receiveFromDeadLetterQueue(queues.deadLetterQueueUrl);
    await mapping.stop();

    // Assess
    expect(deadLetters).toEqual(['poison']);
    const receiveCounts = (await seen()).map(
      (record) => (record.attributes as Record<string, string>).ApproximateReceiveCount,
    );
    expect(receiveCounts).toEqual(['1', '2']);
    expect(runtime.stats('poison')).toMatchObject({ invocations: 2, errors: 2 });
  });

  it('hands a message whose visibility expired to a second invocation while the first still runs', async () => {
    // Prepare
    // Receives to spare: on a loaded machine the first invocation may outlast the 1 s visibility timeout more than once,
    // and each time the message comes back it meets the work in progress again (one more receive).
    const queues = await createQueues('expiring', 6);
    const { runtime, seen } = await startFunction('expiring', 'index.sqsOnce', 2);
    // Both environments warm before the message comes: a cold start on a busy machine (npm test runs three streams on
    // two cores) can outlast the first invocation's work, and then the duplicate would not overlap it.
    await Promise.all([runtime.invoke('expiring', { Records: [] }), runtime.invoke('expiring', { Records: [] })]);
    const faults = new FaultInjector({
      seed: 'visibility',
      rates: {},
      targets: [{ kind: 'sqs.visibilityExpired', saga: 'saga-1' }],
    });
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: JSON.stringify({ correlationId: 'saga-1' }) }),
    );

    // Act
    const mapping = startSqsEventSourceMapping({
      queue: sdkEventSourceQueue(sqs, queues.queueUrl),
      queueArn: queues.queueArn,
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:expiring',
      batchSize: 10,
      reportBatchItemFailures: true,
      maximumConcurrency: 2,
      enabled: true,
      runtime,
      faults,
    });
    cleanups.push(() => mapping.stop());
    const records = await eventually(async () => {
      const all = await seen();
      return all.some((record) => record.outcome === 'duplicate') ? all : undefined;
    }, 30_000);
    const depths = await queueDrained(queues.queueUrl);
    const deadLetters = await queueCounts(queues.deadLetterQueueUrl);
    await mapping.stop();

    // Assess
    const receiveCountOf = (record: Record<string, unknown>) =>
      (record.attributes as Record<string, string>).ApproximateReceiveCount;
    // The first invocation handles it; the second receives it meanwhile and meets the work in progress; its retry,
    // after the visibility timeout, finds it done. Deleting it with the first (stale) receipt handle deleted nothing.
    const outcomes = records.map((record) => `${record.outcome} ${receiveCountOf(record)}`);
    const inProgressCount = records.filter((record) => record.outcome === 'inProgress').length;
    expect(inProgressCount).toBeGreaterThanOrEqual(1);
    // The handled record and a last in-progress one are written by two invocations at about the same time: in any order.
    expect([...outcomes].sort()).toEqual(
      [
        'started 1',
        ...Array.from({ length: inProgressCount }, (_, index) => `inProgress ${index + 2}`),
        'handled 1',
        `duplicate ${inProgressCount + 2}`,
      ].sort(),
    );
    expect(outcomes[0]).toBe('started 1');
    expect(outcomes.at(-1)).toBe(`duplicate ${inProgressCount + 2}`);
    const [started] = records;
    const inProgress = records.find((record) => record.outcome === 'inProgress');
    expect(new Set(records.map((record) => record.messageId)).size).toBe(1);
    expect(inProgress?.receiptHandle).not.toBe(started?.receiptHandle);
    // An `inProgress` record is itself the proof of the overlap: that invocation found the first one's work unfinished.
    expect(depths).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    expect(deadLetters.ApproximateNumberOfMessages).toBe('0');
    expect(faults.injected()).toEqual([{ kind: 'sqs.visibilityExpired', key: 'expiring|saga-1', occurrence: 0 }]);
  }, 60_000);

  it('keeps a batch invisible while an invocation slower than its scaled-down visibility timeout runs', async () => {
    // Prepare
    // A 1 s visibility timeout under a 10 s function timeout: AWS refuses such a mapping, the local cloud has it when it
    // scales visibility timeouts down for tests. The work takes 2 s: unrenewed, the message would come back while it
    // runs and meet the work in progress (received twice, it would go to the DLQ next).
    const queues = await createQueues('slow', 2);
    const { runtime, seen } = await startFunction('slow', 'index.sqsOnce', 2, {
      environment: { WORK_MS: '2000' },
      timeoutSeconds: 10,
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: 'slow work' }));

    // Act
    const mapping = startSqsEventSourceMapping({
      queue: sdkEventSourceQueue(sqs, queues.queueUrl),
      queueArn: queues.queueArn,
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:slow',
      batchSize: 10,
      reportBatchItemFailures: true,
      maximumConcurrency: 2,
      enabled: true,
      runtime,
    });
    cleanups.push(() => mapping.stop());
    const records = await eventually(async () => {
      const all = await seen();
      return all.some((record) => record.outcome === 'handled') ? all : undefined;
    }, 30_000);
    await queueDrained(queues.queueUrl);
    await mapping.stop();

    // Assess
    expect(records.map((record) => record.outcome)).toEqual(['started', 'handled']);
    const deadLetters = await queueCounts(queues.deadLetterQueueUrl);
    expect(deadLetters.ApproximateNumberOfMessages).toBe('0');
    expect(runtime.stats('slow')).toMatchObject({ invocations: 1, errors: 0 });
  }, 60_000);

  it('does not poll when the mapping is disabled', async () => {
    // Prepare
    const queues = await createQueues('disabled');
    const { runtime } = await startFunction('disabled', 'index.sqsThrow');
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: 'waiting' }));

    // Act
    const mapping = startSqsEventSourceMapping({
      queue: sdkEventSourceQueue(sqs, queues.queueUrl),
      queueArn: queues.queueArn,
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:disabled',
      batchSize: 10,
      reportBatchItemFailures: false,
      enabled: false,
      runtime,
    });
    await mapping.stop();

    // Assess
    expect((await queueCounts(queues.queueUrl)).ApproximateNumberOfMessages).toBe('1');
    expect(runtime.stats('disabled').invocations).toBe(0);
  });
});

describe('SQS batch responses', () => {
  const batch = new Set(['m-1', 'm-2']);

  it.each([
    ['no response', null, []],
    ['an empty list', { batchItemFailures: [] }, []],
    ['a null list', { batchItemFailures: null }, []],
    ['one known failure', { batchItemFailures: [{ itemIdentifier: 'm-2' }] }, ['m-2']],
  ])('treats %s as those failures only', (_label, payload, failed) => {
    // Act
    const verdict = judgeBatch({ payload, requestId: 'r' }, batch, true);

    // Assess
    expect(verdict).toEqual({ failed: 'some', messageIds: new Set(failed) });
  });

  it.each([
    ['an unknown itemIdentifier', { batchItemFailures: [{ itemIdentifier: 'm-9' }] }],
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a wrongly named key', { batchItemFailures: [{ id: 'm-1' }] }],
    ['a list that is not a list', { batchItemFailures: 'm-1' }],
  ])('fails the whole batch for %s, like AWS', (_label, payload) => {
    // Act
    const verdict = judgeBatch({ payload, requestId: 'r' }, batch, true);

    // Assess
    expect(verdict.failed).toBe('all');
  });

  it('ignores batchItemFailures when ReportBatchItemFailures is off, and fails everything on a function error', () => {
    // Act
    const ignored = judgeBatch(
      { payload: { batchItemFailures: [{ itemIdentifier: 'm-1' }] }, requestId: 'r' },
      batch,
      false,
    );
    const errored = judgeBatch({ error: { errorType: 'Error', errorMessage: 'x' }, requestId: 'r' }, batch, true);

    // Assess
    expect(ignored).toEqual({ failed: 'some', messageIds: new Set() });
    expect(errored.failed).toBe('all');
  });
});
