/** Saga step ReserveCapacity ($.capacity); throws CapacityUnavailableError, which the saga's Catch selects. */
import { ReserveCapacityCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoCapacity } from '../../adapters/dynamo-capacity.js';
import { forResource } from '../../use-cases/log-context.js';
import { reserveCapacity } from '../../use-cases/reserve-capacity.js';

export const handler = sagaStep(
  { command: ReserveCapacityCommand, key: 'resourceId' },
  forResource((command) => reserveCapacity(command, { capacity: dynamoCapacity() })),
);
