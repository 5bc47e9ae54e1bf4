/** What the checkout saga step tests share: the failures a step throws and a cancelled DynamoDB transaction. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/** A cancelled transaction with one reason code per action, in the order the actions were sent. */
export const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** The error a step fails with; the test fails if it does not. */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the step to fail');
}
