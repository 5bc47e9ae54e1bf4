/**
 * Personal data is sealed before anything stores it (docs/adr/0040-personal-data-is-envelope-encrypted.md). Customers
 * check out with an address and a contact no other test uses (through the API, completed and declined, and through
 * an agent's CheckoutRequested.v1), are notified, and look at their order; then every table of the deployment is
 * scanned through the unchanged DynamoDB SDK, and none of those values is found in any item. The order read path
 * shows them to their owner only.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentCredentials } from './support/agents.js';
import {
  aws,
  type Caller,
  call,
  channelsNotified,
  eventually,
  fillCart,
  newCustomer,
  newProduct,
  notificationsOf,
  output,
  settledCheckout,
  tableItems,
  target,
} from './support/target.js';

// A client of its own for ListTables and raw scans: what is stored, attribute types and all.
const dynamodb = new DynamoDBClient({
  region: target.region,
  ...(target.awsEndpoint
    ? { endpoint: target.awsEndpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }
    : {}),
});

/** An address and a contact found nowhere but in this run's requests: every value carries the run's own mark. */
function distinctivePersonalData() {
  const mark = randomUUID().slice(0, 8).toUpperCase();
  return {
    shippingAddress: {
      country: 'US',
      region: 'CA',
      postalCode: `PD${mark}`,
      recipient: `Ada Recipient${mark}`,
      lines: [`${mark} Sealed Street`, `Floor ${mark}`],
      city: `Cityof${mark}`,
    },
    contact: { email: `ada.${mark.toLowerCase()}@example.test`, phone: `+1415${randomInt(1_000_000, 10_000_000)}` },
  };
}
type PersonalData = ReturnType<typeof distinctivePersonalData>;

/** Every value that identifies the person or the place: what no table may hold in clear. */
const identifyingValues = ({ shippingAddress, contact }: PersonalData) => [
  shippingAddress.postalCode,
  shippingAddress.recipient,
  ...shippingAddress.lines,
  shippingAddress.city,
  contact.email,
  contact.phone,
];

async function checkOut(customer: Caller, personal: PersonalData, paymentToken: string) {
  const sku = await newProduct(5, 2000);
  const cartId = await fillCart(customer, { [sku]: 1 });
  const accepted = await call('POST', 'checkouts', {
    caller: customer,
    headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    body: { cartId, paymentToken, ...personal },
  });
  expect(accepted.status).toBe(202);
  return settledCheckout(customer, accepted.body.checkoutId as string);
}

async function requestCheckoutAsAgent(customer: Caller, personal: PersonalData) {
  const sku = await newProduct(5, 2000);
  const cartId = await fillCart(customer, { [sku]: 1 });
  const idempotencyKey = `agent-${randomUUID()}`;
  const put = await aws.events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: output('EventBusName'),
          Source: 'sagastack.agents',
          DetailType: 'CheckoutRequested.v1',
          Detail: JSON.stringify({
            metadata: { correlationId: `agent-corr-${randomUUID()}`, occurredAt: new Date().toISOString() },
            data: {
              idempotencyKey,
              customerId: customer.sub,
              tenantId: customer.tenant,
              cartId,
              paymentToken: 'tok_visa',
              ...personal,
              // The tenant's checkout agent: a service account's token and the proof naming it (docs/adr/0038 §8).
              ...(await agentCredentials(customer, idempotencyKey)),
            },
          }),
        },
      ],
    }),
  );
  expect(put.FailedEntryCount).toBe(0);
  const [started] = await eventually(
    async () => (await tableItems('CheckoutsTableName')).filter((item) => item.cartId === cartId),
    (items) => items.length > 0,
    { what: `a checkout of cart ${cartId}` },
  );
  return settledCheckout(customer, String(started?.checkoutId));
}

/** The deployment's tables: every one the endpoint lists (on AWS, the account's that the stacks output). */
async function deploymentTables(): Promise<string[]> {
  const listed: string[] = [];
  let startName: string | undefined;
  do {
    const page = await dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName: startName }));
    listed.push(...(page.TableNames ?? []));
    startName = page.LastEvaluatedTableName;
  } while (startName);
  const outputTables = Object.entries(target.outputs)
    .filter(([name]) => name.endsWith('TableName'))
    .map(([, table]) => table);
  expect(listed).toEqual(expect.arrayContaining(outputTables));
  return target.kind === 'aws' ? listed.filter((table) => outputTables.includes(table)) : listed;
}

/** Every item of the table as DynamoDB holds it (attribute values, not documents), as JSON. */
async function rawItemsOf(tableName: string): Promise<string[]> {
  const items: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamodb.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey as never }));
    items.push(...(page.Items ?? []).map((item) => JSON.stringify(item)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

describe('personal data: sealed in every table, shown to its owner', () => {
  const completed = { customer: newCustomer(), personal: distinctivePersonalData() };
  const declined = { customer: newCustomer(), personal: distinctivePersonalData() };
  const requested = { customer: newCustomer(), personal: distinctivePersonalData() };
  let orderId: string;

  beforeAll(async () => {
    const [placed, failed, byAgent] = await Promise.all([
      checkOut(completed.customer, completed.personal, 'tok_visa'),
      // Declined: the simulated gateway declines every token it does not know (ADR 0016).
      checkOut(declined.customer, declined.personal, `tok_declined_${randomUUID().slice(0, 8)}`),
      requestCheckoutAsAgent(requested.customer, requested.personal),
    ]);
    expect([placed.status, failed.status, byAgent.status]).toEqual(['COMPLETED', 'FAILED', 'COMPLETED']);
    orderId = String(placed.orderId);
    // Every notification written: the notifier opened the contact for each.
    await Promise.all([
      channelsNotified(completed.customer.sub, 'OrderPlaced.v1', 2),
      channelsNotified(declined.customer.sub, 'CheckoutFailed.v1', 2),
      channelsNotified(requested.customer.sub, 'OrderPlaced.v1', 2),
    ]);
  });

  it('the order shows its customer where it ships and how they are reached', async () => {
    // Act
    const response = await call('GET', `orders/${orderId}`, { caller: completed.customer });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      orderId,
      shippingAddress: completed.personal.shippingAddress,
      contact: completed.personal.contact,
    });
  });

  it('the order shows the tenant’s support neither, and another customer nothing', async () => {
    // Act
    const support = await call('GET', `orders/${orderId}`, {
      caller: { sub: `support-${randomUUID().slice(0, 8)}`, tenant: completed.customer.tenant, roles: ['support'] },
    });
    const stranger = await call('GET', `orders/${orderId}`, { caller: newCustomer() });

    // Assess
    expect(support.status).toBe(200);
    expect(support.body).not.toHaveProperty('shippingAddress');
    expect(support.body).not.toHaveProperty('contact');
    expect(stranger.status).toBe(404);
    expect(stranger.text).not.toContain(completed.personal.shippingAddress.city);
  });

  it('the notifications went to the contact, and record it masked only', async () => {
    // Act
    const sent = await notificationsOf(declined.customer.sub);

    // Assess: the e-mail and the SMS of the declined checkout, each to the address the contact holds.
    const deliveredTo = sent.map((item) => `${item.channel}:${(item as { deliveredTo?: string }).deliveredTo}`).sort();
    const { email, phone } = declined.personal.contact;
    expect(deliveredTo).toEqual([
      `email:${email[0]}***@example.test`,
      `sms:+${'*'.repeat(phone.length - 5)}${phone.slice(-4)}`,
    ]);
  });

  it('no table of the deployment holds any of the values in clear', async () => {
    // Prepare
    const tables = await deploymentTables();
    const values = [completed, declined, requested].flatMap(({ personal }) => identifyingValues(personal));

    // Act
    const found: string[] = [];
    for (const table of tables) {
      for (const item of await rawItemsOf(table)) {
        for (const value of values) if (item.includes(value)) found.push(`${table}: ${value}`);
      }
    }

    // Assess: the scan did read the checkouts, which hold the tax location in clear and the rest sealed.
    expect(tables).toEqual(expect.arrayContaining([output('CheckoutsTableName'), output('IdempotencyTableName')]));
    const checkouts = (await rawItemsOf(output('CheckoutsTableName'))).filter((item) =>
      item.includes(completed.customer.sub),
    );
    expect(checkouts).toHaveLength(1);
    expect(JSON.parse(checkouts[0] ?? '{}')).toMatchObject({
      taxLocation: { M: { country: { S: 'US' }, region: { S: 'CA' } } },
      personalData: { S: expect.any(String) },
    });
    expect(found).toEqual([]);
  });
});
