/**
 * Every fault kind once, at every step and every compensation of the checkout saga (test/e2e/support/fault-matrix.ts),
 * each in a saga of its own, all at once: a fault at a forward step is absorbed and the checkout completes; a fault
 * at a compensation (of a saga made to fail at its last step) does not stop the undoing. Either way the chaos run's
 * invariants hold on the matrix's sagas.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { driveCheckouts } from '../../chaos/checkout-driver.js';
import { checkInvariants, restrictToSagas } from '../../chaos/invariants.js';
import { StoreReader } from '../../chaos/snapshot.js';
import type { InjectedFault } from '../../local-cloud/faults/fault-plan.js';
import { MATRIX_CASES, MATRIX_PRODUCT } from './support/fault-matrix.js';
import { aws, eventually, output, target } from './support/target.js';

beforeAll(async () => {
  await aws.dynamodb.send(
    new PutCommand({
      TableName: output('CatalogTableName'),
      Item: {
        sku: MATRIX_PRODUCT.sku,
        name: MATRIX_PRODUCT.name,
        priceCents: MATRIX_PRODUCT.priceCents,
        available: MATRIX_PRODUCT.stock,
        reserved: 0,
      },
    }),
  );
});

describe('fault matrix: the checkout saga under one fault at each step and compensation', () => {
  it(`keeps every invariant through ${MATRIX_CASES.length} sagas, each meeting its fault`, async () => {
    // Act
    const clients = await driveCheckouts(
      MATRIX_CASES.map((matrixCase) => matrixCase.plan),
      { apiUrl: target.apiUrl, concurrency: MATRIX_CASES.length, terminationBoundMs: 90_000 },
    );
    const reader = new StoreReader({ endpoint: target.awsEndpoint ?? '', region: target.region, output });
    // A saga's record says FAILED or COMPLETED before its outcome event has reached the customer: notifications trail
    // the status the clients waited for by a moment. Read again until they arrive (or the assertion shows what did not).
    const violationsOf = async () =>
      checkInvariants(restrictToSagas(await reader.snapshot([MATRIX_PRODUCT], clients))).flatMap((result) =>
        result.violations.map((violation) => `${result.name}: ${violation.subject}: ${violation.detail}`),
      );
    const violations = await eventually(violationsOf, (found) => found.length === 0, { timeoutMs: 20_000 }).catch(() =>
      violationsOf(),
    );
    reader.close();
    const injected = (
      (await (await fetch(`${target.awsEndpoint}/_local-cloud/faults`)).json()) as {
        injected: InjectedFault[];
      }
    ).injected;

    // Assess
    const label = (index: number) => `${MATRIX_CASES[index]?.kind} at ${MATRIX_CASES[index]?.task}`;
    expect(clients.map((client, index) => `${label(index)}: ${client.finalStatus}`)).toEqual(
      MATRIX_CASES.map((matrixCase, index) => `${label(index)}: ${matrixCase.expected}`),
    );
    const missed = MATRIX_CASES.filter(
      (matrixCase) =>
        !injected.some(
          (fault) =>
            fault.kind === matrixCase.kind &&
            fault.key.endsWith(`|${matrixCase.plan.correlationId}`) &&
            fault.key.includes(matrixCase.task),
        ),
    ).map((matrixCase) => `${matrixCase.kind} at ${matrixCase.task}`);
    expect(missed, 'faults of the matrix that never happened').toEqual([]);
    expect(violations).toEqual([]);
  });
});
