/** Deprovision saga outcome: DELETED, audit record, and ResourceDeleted.v1 for the state machine to publish. */
import { MarkDeletedCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoResources } from '../../adapters/dynamo-resources.js';
import { eventBridgeAuditTrail } from '../../adapters/event-bridge-audit.js';
import { forResource } from '../../use-cases/log-context.js';
import { markDeleted } from '../../use-cases/mark-deleted.js';

export const handler = sagaStep(
  { command: MarkDeletedCommand, key: 'resourceId' },
  forResource((command) => markDeleted(command, { resources: dynamoResources(), audit: eventBridgeAuditTrail() })),
);
