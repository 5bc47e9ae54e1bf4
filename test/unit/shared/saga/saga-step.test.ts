/**
 * A saga step replayed by an operator (`npm run dlq -- replay`) runs again under idempotency keys of the replay, with
 * Powertools' real idempotency on an in-memory stand-in for its table.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { inMemoryIdempotencyTable } from '../../support/idempotency-table.js';
import { lambdaContext } from '../../support/lambda.js';

vi.hoisted(() => {
  delete process.env.POWERTOOLS_IDEMPOTENCY_DISABLED;
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
  });
});

const idempotencyDynamo = mockClient(DynamoDBClient);

beforeEach(() => {
  idempotencyDynamo.reset();
  inMemoryIdempotencyTable(idempotencyDynamo);
});

/** A release that finds nothing to release the first time (the order still holds the stock), and releases later. */
function releaseStep() {
  let held = false;
  const runs: string[] = [];
  const handler = sagaStep({ command: z.object({ checkoutId: z.string() }), key: 'checkoutId' }, async () => {
    runs.push(held ? 'released' : 'nothing held');
    return { released: held };
  });
  return { handler, runs, hold: () => (held = true) };
}

describe('a saga step replayed from a parked state', () => {
  it('answers a repeat of the saga’s own call with the stored result, as always', async () => {
    // Prepare
    const { handler, runs } = releaseStep();

    // Act
    await handler({ checkoutId: 'chk-1' }, lambdaContext);
    const repeated = await handler({ checkoutId: 'chk-1' }, lambdaContext);

    // Assess
    expect(runs).toEqual(['nothing held']);
    expect(repeated).toEqual({ released: false });
  });

  it('runs again under the replay’s own key, so the no-op the first run stored does not answer for it', async () => {
    // Prepare
    const { handler, runs, hold } = releaseStep();
    await handler({ checkoutId: 'chk-1' }, lambdaContext);
    hold();
    const replay = { from: 'CancelOrder', of: 'chk-1-replay-abc' };

    // Act
    const replayed = await handler({ checkoutId: 'chk-1', replay }, lambdaContext);
    const retriedWithinTheReplay = await handler({ checkoutId: 'chk-1', replay }, lambdaContext);

    // Assess
    expect(replayed).toEqual({ released: true });
    expect(retriedWithinTheReplay).toEqual({ released: true });
    expect(runs).toEqual(['nothing held', 'released']);
  });
});
