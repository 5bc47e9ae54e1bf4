/**
 * SQS consumer of the worker queue (batch size 1): the simulated node agent. Idempotent per task token, so a
 * redelivered command does not work twice. Needs a function timeout above WORKER_DURATION_MS: a provision works that
 * long inside one invocation.
 */
import { WorkerCommand } from '../../../../shared/contracts/provisioning-worker.js';
import { sqsEventConsumer } from '../../../../shared/sqs/event-consumer.js';
import { dynamoWorkerFleet } from '../../adapters/dynamo-worker-fleet.js';
import { stepFunctionsTaskCallbacks } from '../../adapters/step-functions-task-callbacks.js';
import { systemTimer } from '../../adapters/system-timer.js';
import { workerLeaseMsFromEnv, workerTimingFromEnv } from '../../adapters/worker-settings.js';
import { systemClock } from '../../ports/clock.js';
import { runNodeAgentCommand } from '../../use-cases/run-node-agent-command.js';

export const handler = sqsEventConsumer(
  { message: WorkerCommand, keyPath: 'taskToken', correlationIdOf: (command) => command.correlationId },
  async (command) => {
    await runNodeAgentCommand(command, {
      callbacks: stepFunctionsTaskCallbacks(),
      timer: systemTimer,
      timing: workerTimingFromEnv(),
      fleet: { slots: dynamoWorkerFleet(), leaseMs: workerLeaseMsFromEnv(), clock: systemClock },
    });
  },
);
