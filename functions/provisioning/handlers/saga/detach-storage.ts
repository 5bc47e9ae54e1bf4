/** Compensation of AttachStorage, and a deprovision step. */
import { DetachStorageCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoResources } from '../../adapters/dynamo-resources.js';
import { detachStorage } from '../../use-cases/detach-storage.js';
import { forResource } from '../../use-cases/log-context.js';

export const handler = sagaStep(
  { command: DetachStorageCommand, key: 'resourceId' },
  forResource((command) => detachStorage(command, { resources: dynamoResources() })),
);
