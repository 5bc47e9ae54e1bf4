import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createLambdaRuntime,
  type FailedEventDetails,
  type FunctionSpec,
  type LambdaRuntime,
} from '../../local-cloud/lambda/index.js';
import { type AssetDirectories, createAssetDirectories, functionSpec, HANDLERS_SOURCE } from './lambda-fixture.js';

const FAILURE_QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:on-failure';
const DEAD_LETTER_QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:dead-letters';

interface Delivery {
  targetArn: string;
  record: unknown;
  details: FailedEventDetails;
}

let assets: AssetDirectories;
let handlersDirectory: string;
let runtime: LambdaRuntime | undefined;

beforeAll(async () => {
  assets = await createAssetDirectories();
  handlersDirectory = await assets.create('handlers', { 'index.js': HANDLERS_SOURCE });
});

afterAll(async () => {
  await assets.remove();
});

afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

function start(functions: FunctionSpec[]): { lambda: LambdaRuntime; deliveries: Delivery[] } {
  const deliveries: Delivery[] = [];
  runtime = createLambdaRuntime({
    functions,
    baseEnvironment: {},
    asyncRetryDelayMs: 20,
    deliverFailedEvent: async (targetArn, record, details) => {
      deliveries.push({ targetArn, record, details });
    },
  });
  return { lambda: runtime, deliveries };
}

describe('Lambda runtime: asynchronous invocation', () => {
  it('accepts an Event at once, retries twice, then sends the destination record to the on-failure destination', async () => {
    // Prepare
    const { lambda, deliveries } = start([
      functionSpec('fail-async', handlersDirectory, 'index.fail', {
        asyncConfig: { onFailureDestinationArn: FAILURE_QUEUE_ARN },
      }),
    ]);

    // Act
    const accepted = await lambda.invoke('fail-async', { orderId: 'o-9' }, { invocationType: 'Event' });
    await lambda.whenIdle();

    // Assess
    expect(accepted).toEqual({ payload: undefined, requestId: expect.any(String) });
    expect(lambda.stats('fail-async')).toMatchObject({ invocations: 3, errors: 3, coldStarts: 1, warmStarts: 2 });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      targetArn: FAILURE_QUEUE_ARN,
      details: { kind: 'on-failure-destination', condition: 'RetriesExhausted', requestId: accepted.requestId },
      record: {
        version: '1.0',
        timestamp: expect.any(String),
        requestContext: {
          requestId: accepted.requestId,
          functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fail-async:$LATEST',
          condition: 'RetriesExhausted',
          approximateInvokeCount: 3,
        },
        requestPayload: { orderId: 'o-9' },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorType: 'PaymentDeclinedError', errorMessage: 'card declined' },
      },
    });
  });

  it('honours maximumRetryAttempts and sends the original event to the dead-letter queue', async () => {
    // Prepare
    const { lambda, deliveries } = start([
      functionSpec('fail-dlq', handlersDirectory, 'index.fail', {
        asyncConfig: { maximumRetryAttempts: 0 },
        deadLetterTargetArn: DEAD_LETTER_QUEUE_ARN,
      }),
    ]);

    // Act
    await lambda.invoke('fail-dlq', { orderId: 'o-10' }, { invocationType: 'Event' });
    await lambda.whenIdle();

    // Assess
    expect(lambda.stats('fail-dlq').invocations).toBe(1);
    expect(deliveries).toEqual([
      {
        targetArn: DEAD_LETTER_QUEUE_ARN,
        record: { orderId: 'o-10' },
        details: expect.objectContaining({
          kind: 'dead-letter-queue',
          error: expect.objectContaining({ errorType: 'PaymentDeclinedError' }),
        }),
      },
    ]);
  });

  it('keeps a throttled Event queued until concurrency frees up, then runs it', async () => {
    // Prepare
    const { lambda, deliveries } = start([
      functionSpec('single-async', handlersDirectory, 'index.sleep', { reservedConcurrency: 1 }),
    ]);
    const running = lambda.invoke('single-async', { ms: 200 });

    // Act
    await lambda.invoke('single-async', { ms: 0 }, { invocationType: 'Event' });
    await running;
    await lambda.whenIdle();

    // Assess
    expect(lambda.stats('single-async')).toMatchObject({ invocations: 2, errors: 0, maxConcurrentSeen: 1 });
    expect(lambda.stats('single-async').throttles).toBeGreaterThanOrEqual(1);
    expect(deliveries).toEqual([]);
  });

  it('refuses a function with a failure destination when no deliverFailedEvent is wired', () => {
    // Prepare
    const spec = functionSpec('unwired', handlersDirectory, 'index.fail', {
      deadLetterTargetArn: DEAD_LETTER_QUEUE_ARN,
    });

    // Act
    const create = () => createLambdaRuntime({ functions: [spec], baseEnvironment: {} });

    // Assess
    expect(create).toThrow(/no deliverFailedEvent was given/);
  });
});
