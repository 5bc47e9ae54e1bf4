/**
 * What sagastack plugs into the local cloud's `npm start`: the stage it runs, the demo catalog and the provisioning
 * capacity it seeds, and how to try the platform. The local cloud itself (local-cloud/) knows nothing of sagastack.
 */
import type { LocalCloudConfig } from './local-cloud/config.js';
import { seedLocalCloud } from './scripts/seed-data.js';

export default {
  stage: 'Local',
  // bin/sagastack.ts builds only the stages named here: synthesizing Local alone takes a third of the time.
  synthEnvironment: { SAGASTACK_STAGES: 'Local' },
  seed: async (cloud) => {
    const seeded = await seedLocalCloud(cloud);
    return `${seeded.products} products and ${seeded.capacitySlots} capacity rows seeded`;
  },
  instructions: (cloud) => `Get a dev token (accepted only by the local stage):
  TOKEN=$(npm run -s token -- --sub u1 --roles customer --tenant t1)
  curl -H "Authorization: Bearer $TOKEN" ${cloud.apiUrl}products

Check out:
  curl -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
       -d '{"quantity":1}' ${cloud.apiUrl}carts/cart-1/items/SKU-KEYBOARD
  curl -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-0001' \\
       -d '{"cartId":"cart-1","paymentToken":"tok_visa","shippingAddress":{"country":"US","region":"CA","postalCode":"94105"}}' \\
       ${cloud.apiUrl}checkouts

Inspect a saga:      npm run saga -- <checkoutId | executionArn>
Dead-letter queues:  npm run dlq -- list   |   npm run dlq -- redrive|resend|replay <queue>
Scheduled rules:     npm run rule -- list  |   npm run rule -- fire BillingSchedule`,
} satisfies LocalCloudConfig;
