/** Saga step AttachStorage ($.storage). */
import { AttachStorageCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoResources } from '../../adapters/dynamo-resources.js';
import { attachStorage } from '../../use-cases/attach-storage.js';
import { forResource } from '../../use-cases/log-context.js';

export const handler = sagaStep(
  { command: AttachStorageCommand, key: 'resourceId' },
  forResource((command) => attachStorage(command, { resources: dynamoResources() })),
);
