/** Saga step StartBilling ($.meter). */
import { StartBillingCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoMeters } from '../../adapters/dynamo-meters.js';
import { forResource } from '../../use-cases/log-context.js';
import { startBilling } from '../../use-cases/start-billing.js';

export const handler = sagaStep(
  { command: StartBillingCommand, key: 'resourceId' },
  forResource((command) => startBilling(command, { meters: dynamoMeters() })),
);
