/**
 * Deprovision saga failure outcome (reads $.failure): DEPROVISIONING → FAILED with a code, audit record, and
 * ResourceProvisioningFailed.v1. A function of its own, so that its idempotency records never replay the provision
 * saga's failure outcome for the same resource; keyed on the resource and the deletion attempt, so that a second
 * deletion that fails again is recorded, not answered with the first one's stored outcome.
 */
import { MarkFailedCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoResources } from '../../adapters/dynamo-resources.js';
import { eventBridgeAuditTrail } from '../../adapters/event-bridge-audit.js';
import { forResource } from '../../use-cases/log-context.js';
import { markFailed } from '../../use-cases/mark-failed.js';

export const handler = sagaStep(
  { command: MarkFailedCommand, key: "join('#', [resourceId, to_string(deletionAttempt)])" },
  forResource((command) =>
    markFailed(command, { resources: dynamoResources(), audit: eventBridgeAuditTrail() }, 'deprovision'),
  ),
);
