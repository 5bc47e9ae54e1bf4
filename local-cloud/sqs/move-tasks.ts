/**
 * The SQS operations fauxqs lacks, served on top of `redrive.ts`: `StartMessageMoveTask`, `ListMessageMoveTasks`,
 * `CancelMessageMoveTask` and `ListDeadLetterSourceQueues`. `StartMessageMoveTask` answers only once its task has
 * finished (AWS answers at once and moves in the background), so a script that starts a move and then reads the
 * queues sees the result; tasks cannot be cancelled, and `MaxNumberOfMessagesPerSecond` is recorded, not applied.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError, type JsonOperation, requireString } from '../aws-protocol.js';
import { RedriveError } from './errors.js';
import type { FauxqsBackend } from './fauxqs-backend.js';
import { publicQueueUrl, queueNameOf } from './queue-state.js';
import { deadLetterSourcesOf, planRedrive, runRedrive } from './redrive.js';

interface MoveTask {
  taskHandle: string;
  status: 'RUNNING' | 'COMPLETED' | 'FAILED';
  sourceArn: string;
  destinationArn?: string;
  maxNumberOfMessagesPerSecond?: number;
  moved: number;
  toMove: number;
  startedTimestamp: number;
  failureReason?: string;
}

const MAX_TASKS_LISTED = 10;

/** JSON-protocol operations for the SQS actions the local cloud adds to fauxqs. */
export function moveTaskOperations(
  backend: FauxqsBackend,
  publicEndpoint: string,
  log: (line: string) => void,
): Record<string, JsonOperation> {
  const tasksBySource = new Map<string, MoveTask[]>();

  const existingQueue = async (arn: string) => {
    const name = queueNameOf(arn);
    const queue = name ? await backend.inspect(name) : undefined;
    if (!queue) throw new AwsServiceError('ResourceNotFoundException', `The resource ${arn} does not exist.`);
    return queue;
  };

  return {
    async StartMessageMoveTask(input) {
      const sourceArn = requireString(input, 'SourceArn');
      const destinationArn = optionalString(input, 'DestinationArn');
      const maxPerSecond = input.MaxNumberOfMessagesPerSecond;
      if (
        maxPerSecond !== undefined &&
        !(Number.isInteger(maxPerSecond) && Number(maxPerSecond) >= 1 && Number(maxPerSecond) <= 500)
      ) {
        throw new AwsServiceError('InvalidParameterValue', 'MaxNumberOfMessagesPerSecond must be from 1 to 500');
      }
      const source = await existingQueue(sourceArn);
      if (destinationArn) await existingQueue(destinationArn);
      if ((await deadLetterSourcesOf(backend, source.arn)).length === 0) {
        throw new AwsServiceError(
          'InvalidParameterValue',
          `Source queue ${sourceArn} must be configured as a dead-letter queue of another queue.`,
        );
      }
      const plan = await planRedrive(backend, sourceArn, { destinationArn }).catch((error: unknown) => {
        throw error instanceof RedriveError ? new AwsServiceError('UnsupportedOperation', error.message) : error;
      });

      const task: MoveTask = {
        taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: source.arn })).toString('base64'),
        status: 'RUNNING',
        sourceArn: source.arn,
        destinationArn,
        maxNumberOfMessagesPerSecond: maxPerSecond as number | undefined,
        moved: 0,
        toMove: plan.toMove,
        startedTimestamp: Date.now(),
      };
      tasksBySource.set(source.arn, [task, ...(tasksBySource.get(source.arn) ?? [])].slice(0, MAX_TASKS_LISTED));
      try {
        await runRedrive(backend, plan, (moved) => {
          task.moved = moved;
        });
      } catch (error) {
        task.status = 'FAILED';
        task.failureReason = error instanceof Error ? error.message : String(error);
        throw new AwsServiceError('InternalError', `Message move task failed: ${task.failureReason}`, 500);
      }
      task.status = 'COMPLETED';
      log(`sqs: move task moved ${task.moved} message(s) from ${source.arn} to ${plan.destination.arn}`);
      return { TaskHandle: task.taskHandle };
    },

    async ListMessageMoveTasks(input) {
      const sourceArn = requireString(input, 'SourceArn');
      const maxResults = input.MaxResults ?? 1;
      if (!(Number.isInteger(maxResults) && Number(maxResults) >= 1 && Number(maxResults) <= MAX_TASKS_LISTED)) {
        throw new AwsServiceError('InvalidParameterValue', `MaxResults must be from 1 to ${MAX_TASKS_LISTED}`);
      }
      const source = await existingQueue(sourceArn);
      const tasks = (tasksBySource.get(source.arn) ?? []).slice(0, Number(maxResults));
      return {
        Results: tasks.map((task) => ({
          TaskHandle: task.status === 'RUNNING' ? task.taskHandle : undefined,
          Status: task.status,
          SourceArn: task.sourceArn,
          DestinationArn: task.destinationArn,
          MaxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond,
          ApproximateNumberOfMessagesMoved: task.moved,
          ApproximateNumberOfMessagesToMove: task.toMove,
          FailureReason: task.failureReason,
          StartedTimestamp: task.startedTimestamp,
        })),
      };
    },

    async CancelMessageMoveTask(input) {
      const taskHandle = requireString(input, 'TaskHandle');
      const task = [...tasksBySource.values()].flat().find((candidate) => candidate.taskHandle === taskHandle);
      if (task?.status === 'RUNNING') {
        throw new AwsServiceError('UnsupportedOperation', 'The local cloud cannot cancel a running message move task.');
      }
      throw new AwsServiceError(
        'ResourceNotFoundException',
        task
          ? `The message move task is not running (it is ${task.status}).`
          : `No message move task has the handle ${taskHandle}.`,
      );
    },

    async ListDeadLetterSourceQueues(input) {
      const queueUrl = requireString(input, 'QueueUrl');
      const name = queueNameOf(queueUrl);
      const dlq = name ? await backend.inspect(name) : undefined;
      if (!dlq) throw new AwsServiceError('QueueDoesNotExist', 'The specified queue does not exist.');
      const names = (await deadLetterSourcesOf(backend, dlq.arn)).map((queue) => queue.name).sort();
      const nextToken = optionalString(input, 'NextToken');
      const remaining = nextToken ? names.filter((sourceName) => sourceName > nextToken) : names;
      const maxResults = input.MaxResults === undefined ? undefined : Number(input.MaxResults);
      const page = maxResults === undefined ? remaining : remaining.slice(0, maxResults);
      return {
        queueUrls: page.map((sourceName) => publicQueueUrl(publicEndpoint, sourceName)),
        ...(maxResults !== undefined && remaining.length > page.length ? { NextToken: page.at(-1) } : {}),
      };
    },
  };
}

function optionalString(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new AwsServiceError('InvalidParameterValue', `${member} must be a string`);
  return value;
}
