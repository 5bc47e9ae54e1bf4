/**
 * SQS consumer of the worker queue (batch size 1): the simulated node agent. Idempotent per task token, so a
 * redelivered command does not work twice. Needs WORKER_DURATION_MS, WORKER_HEARTBEAT_MS, WORKER_LEASE_SECONDS,
 * WORKER_FLEET_TABLE_NAME, IDEMPOTENCY_TABLE_NAME, and a function timeout above WORKER_DURATION_MS: a provision works
 * that long inside one invocation.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerCommand } from '../../../../shared/contracts/provisioning-worker.js';
import { requiredEnv } from '../../../../shared/idempotency.js';
import { sqsEventConsumer } from '../../../../shared/sqs/event-consumer.js';
import { dynamoWorkerFleet } from '../../adapters/dynamo-worker-fleet.js';
import { stepFunctionsTaskCallbacks } from '../../adapters/step-functions-task-callbacks.js';
import { parseWorkerTiming } from '../../domain/node-agent.js';
import { systemClock } from '../../ports/clock.js';
import { runNodeAgentCommand } from '../../use-cases/run-node-agent-command.js';

export const handler = sqsEventConsumer(
  { message: WorkerCommand, keyPath: 'taskToken', correlationIdOf: (command) => command.correlationId },
  async (command) => {
    await runNodeAgentCommand(command, {
      callbacks: stepFunctionsTaskCallbacks(),
      timer: { sleep: async (ms) => void (await sleep(ms)) },
      timing: parseWorkerTiming(requiredEnv('WORKER_DURATION_MS'), requiredEnv('WORKER_HEARTBEAT_MS')),
      fleet: {
        slots: dynamoWorkerFleet(),
        leaseMs: Number(requiredEnv('WORKER_LEASE_SECONDS')) * 1000,
        clock: systemClock,
      },
    });
  },
);
