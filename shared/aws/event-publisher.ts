import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { z } from 'zod';
import type { EventContract, EventMetadata } from '../contracts/events/define-event.js';
import { requiredEnv } from '../environment.js';
import { TransientError } from '../errors.js';
import { eventBridge } from './event-bridge-client.js';

/** Port for publishing domain events; the EventBridge adapter below implements it. */
export interface EventPublisher {
  publish<TData extends z.ZodType>(
    contract: EventContract<TData>,
    data: z.infer<TData>,
    metadata: EventMetadata,
  ): Promise<void>;
}

/** Publishes on the stage's bus (EVENT_BUS_NAME). A rejected entry is a transient failure: the caller retries. */
export function eventBridgePublisher(): EventPublisher {
  return {
    async publish(contract, data, metadata) {
      const detail = contract.create(data, metadata);
      const result = await eventBridge().send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: requiredEnv('EVENT_BUS_NAME'),
              Source: contract.source,
              DetailType: contract.detailType,
              Detail: JSON.stringify(detail),
            },
          ],
        }),
      );
      if ((result.FailedEntryCount ?? 0) > 0) {
        const entry = result.Entries?.[0];
        throw new TransientError(
          `EventBridge refused ${contract.detailType}: ${entry?.ErrorCode} ${entry?.ErrorMessage}`,
        );
      }
    },
  };
}
