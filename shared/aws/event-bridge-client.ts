/** The EventBridge client, created once per execution environment (see `dynamodb-client.ts` for why one module each). */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

let eventBridgeClient: EventBridgeClient | undefined;

export function eventBridge(): EventBridgeClient {
  eventBridgeClient ??= new EventBridgeClient({});
  return eventBridgeClient;
}
