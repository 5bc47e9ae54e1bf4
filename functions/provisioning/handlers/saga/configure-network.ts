/** Saga step ConfigureNetwork ($.network); reads the worker's answer at $.worker. */
import { ConfigureNetworkCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoResources } from '../../adapters/dynamo-resources.js';
import { configureNetwork } from '../../use-cases/configure-network.js';
import { forResource } from '../../use-cases/log-context.js';

export const handler = sagaStep(
  { command: ConfigureNetworkCommand, key: 'resourceId' },
  forResource((command) => configureNetwork(command, { resources: dynamoResources() })),
);
