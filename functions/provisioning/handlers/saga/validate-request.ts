/** Saga step ValidateRequest ($.validation). */
import { ValidateRequestCommand } from '../../../../shared/contracts/provisioning-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoProjects } from '../../adapters/dynamo-projects.js';
import { dynamoResources } from '../../adapters/dynamo-resources.js';
import { forResource } from '../../use-cases/log-context.js';
import { validateRequest } from '../../use-cases/validate-request.js';

export const handler = sagaStep(
  { command: ValidateRequestCommand, key: 'resourceId' },
  forResource((command) => validateRequest(command, { projects: dynamoProjects(), resources: dynamoResources() })),
);
