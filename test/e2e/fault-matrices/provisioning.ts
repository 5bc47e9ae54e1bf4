/**
 * Every fault kind at every step and every compensation of the provision and deprovision sagas
 * (test/e2e/support/provisioning-fault-matrix.ts), in lifecycles that each carry one fault at each step of their
 * sagas, all at once: faults at forward steps are absorbed and the resource goes ACTIVE, then DELETED; faults at
 * compensations (of a provisioning made to fail at its last step) do not stop the undoing; a deletion that fails records
 * it, and the owner's second deletion succeeds. Either way the chaos run's provisioning invariants hold.
 * Registered by `test/e2e/fault-matrices.test.ts`, beside the checkout matrix.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, it } from 'vitest';
import { driveProvisioning } from '../../../chaos/provisioning-driver.js';
import { checkProvisioningInvariants } from '../../../chaos/provisioning-invariants.js';
import { StoreReader } from '../../../chaos/snapshot.js';
import type { InjectedFault } from '../../../local-cloud/faults/fault-plan.js';
import {
  MATRIX_FLAVORS,
  MATRIX_REGIONS,
  PROVISIONING_MATRIX,
  type ProvisioningMatrixLifecycle,
} from '../support/provisioning-fault-matrix.js';
import { aws, output, target } from '../support/target.js';

beforeAll(async () => {
  // Room for every lifecycle at once: the seeded 20 slots of a region and flavor are a demo's, not a test's.
  for (const region of MATRIX_REGIONS) {
    for (const flavor of MATRIX_FLAVORS) {
      await aws.dynamodb.send(
        new UpdateCommand({
          TableName: output('CapacityTableName'),
          Key: { pk: `${region}#${flavor}` },
          UpdateExpression: 'SET #total = :total',
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: { ':total': 1000 },
        }),
      );
    }
  }
});

/** `kind at task (saga)` of each fault of a lifecycle. */
const faultsOf = (lifecycle: ProvisioningMatrixLifecycle) =>
  lifecycle.faults.map((fault) => `${fault.kind} at ${fault.task} (${fault.saga})`).join(', ');

describe.concurrent('fault matrix: the provisioning sagas under a fault at each step and compensation', () => {
  it(`keeps every invariant through ${PROVISIONING_MATRIX.length} lifecycles, each fault met`, async ({ expect }) => {
    // Act
    const records = await driveProvisioning(
      PROVISIONING_MATRIX.map((lifecycle) => lifecycle.plan),
      { apiUrl: target.apiUrl, concurrency: PROVISIONING_MATRIX.length, terminationBoundMs: 90_000 },
    );
    const reader = new StoreReader({ endpoint: target.awsEndpoint ?? '', region: target.region, output });
    const violations = checkProvisioningInvariants(await reader.provisioningSnapshot(records)).flatMap((result) =>
      result.violations.map((violation) => `${result.name}: ${violation.subject}: ${violation.detail}`),
    );
    reader.close();
    const injected = (
      (await (await fetch(`${target.awsEndpoint}/_local-cloud/faults`)).json()) as { injected: InjectedFault[] }
    ).injected;

    // Assess
    const outcomes = records.map((record, index) => {
      const lifecycle = PROVISIONING_MATRIX[index] as ProvisioningMatrixLifecycle;
      const provisioned = record.provisioned?.status ?? 'none';
      const expected = lifecycle.provisionOutcomes.includes(provisioned as never)
        ? 'as expected'
        : `${provisioned} ${record.provisioned?.reason ?? ''} (${faultsOf(lifecycle)})`;
      return `#${index} provisioned ${expected}, ended ${record.finalStatus}`;
    });
    expect(outcomes).toEqual(PROVISIONING_MATRIX.map((_, index) => `#${index} provisioned as expected, ended DELETED`));
    const missed = PROVISIONING_MATRIX.flatMap((lifecycle) =>
      lifecycle.faults
        .filter(
          (fault) =>
            !injected.some(
              (met) =>
                met.kind === fault.kind && met.key.endsWith(`|${fault.correlationId}`) && met.key.includes(fault.task),
            ),
        )
        .map((fault) => `#${lifecycle.plan.index}: ${fault.kind} at ${fault.task} (${fault.saga})`),
    );
    expect(missed, 'faults of the matrix that never happened').toEqual([]);
    expect(
      violations,
      PROVISIONING_MATRIX.map((lifecycle) => `#${lifecycle.plan.index}: ${faultsOf(lifecycle)}`).join('\n'),
    ).toEqual([]);
  });
});
