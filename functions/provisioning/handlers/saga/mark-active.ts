/** Provision saga success outcome: ACTIVE, audit record, and ResourceProvisioned.v1 for the state machine to publish. */
import { MarkActiveCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoResources } from '../../adapters/dynamo-resources.js';
import { eventBridgeAuditTrail } from '../../adapters/event-bridge-audit.js';
import { forResource } from '../../use-cases/log-context.js';
import { markActive } from '../../use-cases/mark-active.js';

export const handler = sagaStep(
  { command: MarkActiveCommand, key: 'resourceId' },
  forResource((command) => markActive(command, { resources: dynamoResources(), audit: eventBridgeAuditTrail() })),
);
