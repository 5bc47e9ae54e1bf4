/**
 * `.waitForTaskToken` task of DispatchToWorker and DestroyResource: sends the command to the node agents once a slot
 * of the fleet is free, or throws `WorkerFleetBusyError` for the saga's retrier.
 */
import { WorkerDispatch } from '../../../../shared/contracts/provisioning-worker.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoWorkerFleet } from '../../adapters/dynamo-worker-fleet.js';
import { sqsWorkerQueue } from '../../adapters/sqs-worker-queue.js';
import { fleetSettingsFromEnv } from '../../adapters/worker-settings.js';
import { systemClock } from '../../ports/clock.js';
import { dispatchWorkerCommand } from '../../use-cases/dispatch-worker-command.js';
import { forResource } from '../../use-cases/log-context.js';

export const handler = sagaStep(
  // One dispatch per task token: a retried task has a new token, so a new command and a new lease.
  { command: WorkerDispatch, key: 'taskToken' },
  forResource((dispatch) =>
    dispatchWorkerCommand(dispatch, {
      fleet: dynamoWorkerFleet(),
      queue: sqsWorkerQueue(),
      clock: systemClock,
      ...fleetSettingsFromEnv(),
    }),
  ),
);
