/**
 * The identity handlers against SDK mocks: a service accounts table that keeps its items in a map and honours the
 * conditions the adapter writes with, and a bus that records what was published.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type ApiEventOptions, apiEvent, type Caller, lambdaContext } from '../../../support/lambda.js';

export { bodyOf, type Caller } from '../../../support/lambda.js';

export const PROJECT = 'prj_1';
export const ADMIN: Caller = { sub: 'user-ada', tenant: 'tenant-a', roles: ['tenant-admin'] };
export const MEMBER: Caller = { sub: 'user-max', tenant: 'tenant-a', roles: ['member'] };
export const OTHER_TENANT_ADMIN: Caller = { sub: 'user-bob', tenant: 'tenant-b', roles: ['tenant-admin'] };

const dynamo = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);
const items = new Map<string, Record<string, unknown>>();

const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

/** Resets the table and the bus, and makes them behave as the adapter expects. */
export function prepareStores(): void {
  items.clear();
  dynamo.reset();
  eventBridge.reset();
  dynamo.on(GetCommand).callsFake(({ Key }) => ({ Item: structuredClone(items.get(Key.serviceAccountId)) }));
  dynamo.on(PutCommand).callsFake(({ Item }) => {
    if (items.has(Item.serviceAccountId)) throw conditionFailed();
    items.set(Item.serviceAccountId, structuredClone(Item));
    return {};
  });
  dynamo.on(UpdateCommand).callsFake(({ Key, ExpressionAttributeValues: values }) => {
    const item = items.get(Key.serviceAccountId);
    if (!item || item.version !== values[':expected']) throw conditionFailed();
    items.set(Key.serviceAccountId, { ...item, secrets: values[':secrets'], version: values[':next'] });
    return {};
  });
  dynamo.on(DeleteCommand).callsFake(({ Key }) => {
    if (!items.delete(Key.serviceAccountId)) throw conditionFailed();
    return {};
  });
  dynamo.on(QueryCommand).callsFake(({ ExpressionAttributeValues: values }) => ({
    Items: [...items.values()].filter((item) => item.projectId === values[':projectId']),
  }));
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
}

/** What the table holds, as stored. */
export const storedItems = () => [...items.values()];

/** The audit actions published, in order. */
export function auditedActions(): string[] {
  return eventBridge
    .commandCalls(PutEventsCommand)
    .map((call) => JSON.parse(call.args[0].input.Entries?.[0]?.Detail ?? '{}').data?.action as string);
}

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>;

export async function invoke(handler: Handler, options: ApiEventOptions): Promise<APIGatewayProxyResult> {
  return (await handler(apiEvent(options), lambdaContext)) as APIGatewayProxyResult;
}

/** Creates an account through the create handler; answers its 201 body. */
export async function createdAccount(
  create: Handler,
  caller: Caller = ADMIN,
  key = 'create-key-0001',
): Promise<{ serviceAccountId: string; clientSecret: string; secretId: string }> {
  const response = await invoke(create, {
    caller,
    method: 'POST',
    pathParameters: { projectId: PROJECT },
    headers: { 'Idempotency-Key': key },
    body: { name: 'ci', role: 'member' },
  });
  if (response.statusCode !== 201) throw new Error(`Not created: ${response.statusCode} ${response.body}`);
  return JSON.parse(response.body);
}
