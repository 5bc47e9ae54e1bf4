/** Compensation of ReserveCapacity, and a deprovision step. */
import { ReleaseCapacityCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoCapacity } from '../../adapters/dynamo-capacity.js';
import { forResource } from '../../use-cases/log-context.js';
import { releaseCapacity } from '../../use-cases/release-capacity.js';

export const handler = sagaStep(
  { command: ReleaseCapacityCommand, key: 'resourceId' },
  forResource((command) => releaseCapacity(command, { capacity: dynamoCapacity() })),
);
