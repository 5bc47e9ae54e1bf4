import { Readable } from 'node:stream';
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { isContention, retryContention } from '../../../../shared/aws/contention.js';

type Answer = { type: string; reasons?: string[] } | 'ok';

/** A client whose HTTP layer answers `answers` in turn (the last one repeats): DynamoDB errors, or success. */
function clientAnswering(answers: Answer[]) {
  let sent = 0;
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async () => {
        const answer = answers[Math.min(sent, answers.length - 1)] ?? 'ok';
        sent += 1;
        const body =
          answer === 'ok'
            ? '{}'
            : JSON.stringify({
                __type: `com.amazonaws.dynamodb.v20120810#${answer.type}`,
                message: 'refused',
                ...(answer.reasons ? { CancellationReasons: answer.reasons.map((Code) => ({ Code })) } : {}),
              });
        // The SDK reads responses by shape (status, headers, body stream), not by class.
        return {
          response: {
            statusCode: answer === 'ok' ? 200 : 400,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from(body)]),
          },
        };
      },
    },
  });
  return { client, sentCount: () => sent };
}

const transaction = () =>
  new TransactWriteItemsCommand({
    TransactItems: [{ Put: { TableName: 'stock', Item: { pk: { S: 'sku' } } } }],
  });

describe('retryContention', () => {
  it('sends a transaction again while it is cancelled only for conflicts, then answers its success', async () => {
    // Prepare
    const conflict = { type: 'TransactionCanceledException', reasons: ['None', 'TransactionConflict'] };
    const { client, sentCount } = clientAnswering([conflict, conflict, 'ok']);
    retryContention(client, { retries: 5, baseDelayMs: 1 });

    // Act
    const result = await client.send(transaction());

    // Assess
    expect(result.$metadata.httpStatusCode).toBe(200);
    expect(sentCount()).toBe(3);
  });

  it('never retries a refused condition, even next to a conflict', async () => {
    // Prepare
    const { client, sentCount } = clientAnswering([
      { type: 'TransactionCanceledException', reasons: ['ConditionalCheckFailed', 'TransactionConflict'] },
    ]);
    retryContention(client, { retries: 5, baseDelayMs: 1 });

    // Act
    const error = await client.send(transaction()).catch((failure: unknown) => failure);

    // Assess
    expect(error).toMatchObject({ name: 'TransactionCanceledException' });
    expect(sentCount()).toBe(1);
  });

  it('gives up after its retries and lets the conflict through', async () => {
    // Prepare
    const { client, sentCount } = clientAnswering([{ type: 'TransactionConflictException' }]);
    retryContention(client, { retries: 2, baseDelayMs: 1 });

    // Act
    const error = await client.send(transaction()).catch((failure: unknown) => failure);

    // Assess
    expect(error).toMatchObject({ name: 'TransactionConflictException' });
    expect(sentCount()).toBe(3);
  });
});

describe('isContention', () => {
  it('recognises conflicts only', () => {
    // Prepare
    const named = (name: string, reasons?: string[]) =>
      Object.assign(new Error('x'), { name, CancellationReasons: reasons?.map((Code) => ({ Code })) });

    // Act
    const verdicts = [
      isContention(named('TransactionConflictException')),
      isContention(named('TransactionCanceledException', ['TransactionConflict', 'None'])),
      isContention(named('TransactionCanceledException', ['ConditionalCheckFailed'])),
      isContention(named('ConditionalCheckFailedException')),
      isContention('not an error'),
    ];

    // Assess
    expect(verdicts).toEqual([true, true, false, false, false]);
  });
});
