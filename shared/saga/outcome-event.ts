/**
 * The event a saga's outcome step (the last step, forward or compensating) returns for its state machine to publish
 * with `events:putEvents`: the state machine retries the publish, so a Lambda retry never publishes twice.
 */
import type { z } from 'zod';
import type { OutcomeEvent } from '../contracts/common.js';
import type { EventContract, EventMetadata } from '../contracts/events/define-event.js';

export function outcomeEvent<TData extends z.ZodType>(
  contract: EventContract<TData>,
  data: z.infer<TData>,
  metadata: EventMetadata,
): OutcomeEvent {
  return { detailType: contract.detailType, source: contract.source, detail: contract.create(data, metadata) };
}
