/**
 * Reading a saga's execution, shared by every context's Step Functions adapter. A missing execution is an answer
 * (`undefined`, no events), not an error: a record may point at an execution that was never started.
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { stepFunctions } from './step-functions-client.js';

/** Pages of 1,000 events; a saga's history is far shorter, this only bounds a runaway loop. */
const MAX_HISTORY_PAGES = 20;

/** Recognised by name, which holds whichever copy of the SDK a bundle carries. */
function isExecutionMissing(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExecutionDoesNotExist';
}

export async function executionStatus(executionArn: string): Promise<string | undefined> {
  try {
    return (await stepFunctions().send(new DescribeExecutionCommand({ executionArn }))).status;
  } catch (error) {
    if (isExecutionMissing(error)) return undefined;
    throw error;
  }
}

export async function executionHistory(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  try {
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const response = await stepFunctions().send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: false }),
      );
      events.push(...(response.events ?? []));
      nextToken = response.nextToken;
      if (!nextToken) break;
    }
  } catch (error) {
    if (isExecutionMissing(error)) return [];
    throw error;
  }
  return events;
}
