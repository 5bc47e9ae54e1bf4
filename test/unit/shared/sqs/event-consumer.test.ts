/**
 * The shared SQS consumer: a record that can never succeed goes to its DLQ at once with the reason in its message
 * attributes and is acknowledged; a transient failure is reported, so SQS redelivers it; and when the DLQ does not
 * take a refusal, the record is reported too, so the redrive policy still catches it.
 */
import { IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { NotFoundError, TransientError } from '../../../../shared/errors.js';
import { logger } from '../../../../shared/powertools/index.js';
import { sqsEventConsumer } from '../../../../shared/sqs/event-consumer.js';
import { lambdaContext } from '../../support/lambda.js';
import { DEAD_LETTER_QUEUE_URL, SOURCE_QUEUE_ARN, sqsEvent, sqsRecord } from '../../support/sqs.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
  });
});

const sqs = mockClient(SQSClient);

const Greeting = z.object({ id: z.string(), name: z.string().min(1), count: z.int().min(0) }).strict();
type Greeting = z.infer<typeof Greeting>;

/** A consumer of `Greeting` whose handling is `handle`, recording what it was given. */
function consumer(handle: (message: Greeting) => Promise<void> = async () => undefined) {
  const handled: Greeting[] = [];
  const handler = sqsEventConsumer({ message: Greeting }, async (message) => {
    handled.push(message);
    await handle(message);
  });
  return { handler, handled };
}

/** Whether `text` holds only characters SQS accepts: #x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000 and above. */
function onlyCharactersSqsTakes(text: string): boolean {
  return [...text].every((character) => {
    const code = character.codePointAt(0) ?? 0;
    const allowedControl = code === 0x09 || code === 0x0a || code === 0x0d;
    return allowedControl || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
  });
}

const greeting = (overrides: Partial<Greeting> = {}): Greeting => ({ id: 'g-1', name: 'Ada', count: 1, ...overrides });

/** The messages sent to the DLQ, with their attributes as plain strings. */
function deadLettered() {
  return sqs.commandCalls(SendMessageCommand).map((call) => {
    const { QueueUrl, MessageBody, MessageAttributes = {} } = call.args[0].input;
    const attributes = Object.fromEntries(
      Object.entries(MessageAttributes).map(([name, value]) => [name, value.StringValue]),
    );
    return { QueueUrl, MessageBody, attributes };
  });
}

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
  process.env.DEAD_LETTER_QUEUE_URL = DEAD_LETTER_QUEUE_URL;
});

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.DEAD_LETTER_QUEUE_URL;
});

describe('sqsEventConsumer: refusals go to the DLQ at once, with the reason', () => {
  it('sends a body that is not JSON to the DLQ unchanged, says why, and acknowledges it', async () => {
    // Prepare
    const { handler, handled } = consumer();

    // Act
    const response = await handler(sqsEvent('{this is not JSON'), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(handled).toEqual([]);
    expect(deadLettered()).toEqual([
      {
        QueueUrl: DEAD_LETTER_QUEUE_URL,
        MessageBody: '{this is not JSON',
        attributes: {
          FailureCode: 'VALIDATION_FAILED',
          FailureReason: 'The message is not JSON',
          FailedBy: lambdaContext.functionName,
          SourceQueue: SOURCE_QUEUE_ARN,
          OriginalMessageId: 'msg-1',
          FirstReceivedAt: '2026-01-02T03:00:00.000Z',
        },
      },
    ]);
  });

  it('puts the zod issues of a message that does not match its schema in FailureDetails', async () => {
    // Prepare
    const { handler, handled } = consumer();
    const body = { id: 'g-2', name: '', count: -1, extra: true };

    // Act
    const response = await handler(sqsEvent(body), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(handled).toEqual([]);
    const [message] = deadLettered();
    expect(message?.MessageBody).toBe(JSON.stringify(body));
    expect(message?.attributes.FailureReason).toBe('The message does not match its schema');
    expect(JSON.parse(message?.attributes.FailureDetails ?? '').map((issue: { path: string }) => issue.path)).toEqual([
      'name',
      'count',
      '',
    ]);
  });

  it.each([
    ['a 4xx AppError', new NotFoundError('Cart', 'cart-1'), 'NOT_FOUND', { resource: 'Cart', id: 'cart-1' }],
    [
      'an idempotency key reused with another body',
      new IdempotencyValidationError('Payload does not match stored record'),
      'IdempotencyValidationError',
      undefined,
    ],
  ])('dead-letters a message its handler refuses with %s', async (_what, refusal, code, details) => {
    // Prepare
    const { handler } = consumer(async () => {
      throw refusal;
    });

    // Act
    const response = await handler(sqsEvent(greeting()), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const [message] = deadLettered();
    expect(message?.attributes).toMatchObject({ FailureCode: code, FailureReason: refusal.message });
    expect(message?.attributes.FailureDetails).toBe(details === undefined ? undefined : JSON.stringify(details));
  });

  it.each([
    ['a transient error', new TransientError('DynamoDB is throttling')],
    ['an unexpected error (a bug)', new TypeError('Cannot read properties of undefined')],
  ])('reports %s as a batch item failure, so SQS redelivers it, and sends nothing to the DLQ', async (_what, error) => {
    // Prepare
    const { handler } = consumer(async () => {
      throw error;
    });

    // Act
    const response = await handler(sqsEvent(greeting()), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('logs each record under its own correlation ID, and a record without one under none', async () => {
    // Prepare: the logger's JSON lines, captured as Lambda would send them to the log group.
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const handler = sqsEventConsumer(
      {
        message: Greeting,
        correlationIdOf: (message) => (message.name === 'anon' ? undefined : `corr-${message.name}`),
      },
      async (message) => {
        // The first record waits, so that a record handled beside it would log in the meantime under the wrong ID.
        if (message.name === 'ada') await new Promise((resolve) => setTimeout(resolve, 20));
        // Set here: each invocation's middleware sets the level back to the environment's (SILENT in these tests).
        logger.setLogLevel('INFO');
        logger.info('handled', { name: message.name });
      },
    );
    const bodies = ['ada', 'bob', 'anon'].map((name, index) => ({ id: `m-${index}`, name, count: 1 }));

    // Act
    const response = await handler(sqsEvent(...bodies), lambdaContext).finally(() => {
      logger.setLogLevel('SILENT');
      stdout.mockRestore();
    });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const handled = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"handled"'))
      .map((line) => JSON.parse(line) as { name: string; correlationId?: string })
      .map(({ name, correlationId }) => [name, correlationId]);
    expect(handled).toEqual([
      ['ada', 'corr-ada'],
      ['bob', 'corr-bob'],
      ['anon', undefined],
    ]);
  });

  it('handles the good records of a batch and dead-letters only the bad ones', async () => {
    // Prepare
    const { handler, handled } = consumer();

    // Act
    const response = await handler(
      sqsEvent(greeting({ id: 'g-1' }), 'not json', greeting({ id: 'g-3' }), { id: 'g-4' }),
      lambdaContext,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(handled.map((message) => message.id).sort()).toEqual(['g-1', 'g-3']);
    expect(deadLettered().map((message) => message.attributes.OriginalMessageId)).toEqual(['msg-2', 'msg-4']);
  });

  it('falls back to a batch item failure when the DLQ refuses the message, and logs why', async () => {
    // Prepare
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('Access denied'), { name: 'AccessDenied' }));
    const error = vi.spyOn(logger, 'error');
    const { handler } = consumer();

    // Act
    const response = await handler(sqsEvent('not json'), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    expect(error).toHaveBeenCalledWith(
      expect.stringContaining('could not be sent to its DLQ'),
      expect.objectContaining({ messageId: 'msg-1', reason: 'The message is not JSON' }),
    );
  });

  it('falls back to a batch item failure when DEAD_LETTER_QUEUE_URL is not set (a wiring mistake)', async () => {
    // Prepare
    delete process.env.DEAD_LETTER_QUEUE_URL;
    const { handler } = consumer();

    // Act
    const response = await handler(sqsEvent('not json'), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('keeps the message’s own attributes, replaces stale failure attributes, and stays within 10', async () => {
    // Prepare
    const { handler } = consumer();
    const own = Object.fromEntries(
      Array.from({ length: 6 }, (_, index) => [`Own${index}`, { dataType: 'String', stringValue: `v${index}` }]),
    );
    const record = sqsRecord('not json', 0, {
      messageAttributes: {
        // From an earlier refusal of this message, which an operator redrove.
        FailureReason: { dataType: 'String', stringValue: 'an earlier reason' },
        Binary: { dataType: 'Binary', binaryValue: Buffer.from([1, 2, 3]).toString('base64') },
        ...own,
      } as never,
    });

    // Act
    await handler({ Records: [record] }, lambdaContext);

    // Assess
    const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    const names = Object.keys(input?.MessageAttributes ?? {});
    expect(names).toHaveLength(10);
    expect(input?.MessageAttributes?.FailureReason?.StringValue).toBe('The message is not JSON');
    expect(input?.MessageAttributes?.Binary).toEqual({ DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) });
    expect(names).toEqual(expect.arrayContaining(['Own0', 'Own1']));
  });

  it('bounds and cleans what a hostile message puts in the reason: huge keys, NUL bytes, thousands of issues', async () => {
    // Prepare
    const { handler } = consumer();
    const hostile = Object.fromEntries(
      Array.from({ length: 2000 }, (_, index) => [`\u0000${'k'.repeat(5000)}${index}`, index]),
    );

    // Act
    const response = await handler(sqsEvent({ ...greeting(), ...hostile }), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const [message] = deadLettered();
    const details = message?.attributes.FailureDetails ?? '';
    expect(Buffer.byteLength(details)).toBeLessThanOrEqual(8192);
    expect(Array.isArray(JSON.parse(details))).toBe(true);
    for (const value of Object.values(message?.attributes ?? {})) {
      expect(onlyCharactersSqsTakes(value ?? '')).toBe(true);
      expect(value?.length).toBeLessThanOrEqual(8192);
    }
  });
});
