/**
 * Deprovision saga failure outcome (reads $.failure): DEPROVISIONING → FAILED with a code, audit record, and
 * ResourceProvisioningFailed.v1. A function of its own, so that its idempotency records (keyed on the resource id)
 * never replay the provision saga's failure outcome for the same resource.
 */
import { MarkFailedCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoResources } from '../../adapters/dynamo-resources.js';
import { eventBridgeAuditTrail } from '../../adapters/event-bridge-audit.js';
import { forResource } from '../../use-cases/log-context.js';
import { markFailed } from '../../use-cases/mark-failed.js';

export const handler = sagaStep(
  { command: MarkFailedCommand, key: 'resourceId' },
  forResource((command) =>
    markFailed(command, { resources: dynamoResources(), audit: eventBridgeAuditTrail() }, 'deprovision'),
  ),
);
