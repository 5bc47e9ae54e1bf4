/**
 * `.waitForTaskToken` task of DispatchToWorker and DestroyResource: sends the command to the node agents once a slot
 * of the fleet is free, or throws `WorkerFleetBusyError` for the saga's retrier. Needs WORKER_FLEET_SIZE and
 * WORKER_LEASE_SECONDS (the task's HeartbeatSeconds) besides its table and queue.
 */
import { WorkerDispatch } from '../../../../shared/contracts/provisioning-worker.js';
import { requiredEnv } from '../../../../shared/idempotency.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoWorkerFleet } from '../../adapters/dynamo-worker-fleet.js';
import { sqsWorkerQueue } from '../../adapters/sqs-worker-queue.js';
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
      fleetSize: Number(requiredEnv('WORKER_FLEET_SIZE')),
      leaseMs: Number(requiredEnv('WORKER_LEASE_SECONDS')) * 1000,
    }),
  ),
);
