/** Where deliveries wait for the deliverer. */
import type { DeliveryMessage } from '../../../shared/contracts/webhooks-api.js';

export interface DeliveryQueue {
  enqueue(message: DeliveryMessage): Promise<void>;
}
