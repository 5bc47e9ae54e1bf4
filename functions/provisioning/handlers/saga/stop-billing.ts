/** Compensation of StartBilling, and the first deprovision step. */
import { StopBillingCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoMeters } from '../../adapters/dynamo-meters.js';
import { forResource } from '../../use-cases/log-context.js';
import { stopBilling } from '../../use-cases/stop-billing.js';

export const handler = sagaStep(
  { command: StopBillingCommand, key: 'resourceId' },
  forResource((command) => stopBilling(command, { meters: dynamoMeters() })),
);
