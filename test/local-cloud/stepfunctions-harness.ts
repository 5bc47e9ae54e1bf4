/**
 * Shared setup of the Step Functions tests: the module served on loopback, the real SFN client against it, and fake
 * task integrations that record every call.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient, type SFNClientConfig } from '@aws-sdk/client-sfn';
import { type JsonProtocolApi, jsonApiListener } from '../../local-cloud/aws-protocol.js';
import {
  type InvokeFunctionResult,
  LocalStepFunctions,
  type LocalStepFunctionsOptions,
  type StateMachineConfig,
  stepFunctionsApi,
  type TaskIntegrations,
} from '../../local-cloud/stepfunctions/index.js';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

export type FunctionBehaviour = (
  payload: unknown,
  call: number,
) => InvokeFunctionResult | Promise<InvokeFunctionResult>;
export type ServiceBehaviour = (service: string, action: string, parameters: Record<string, unknown>) => unknown;

/** Fake `TaskIntegrations`: functions by name, one handler for service calls, every call recorded in order. */
export class FakeIntegrations implements TaskIntegrations {
  readonly functionCalls: { functionName: string; payload: unknown }[] = [];
  readonly serviceCalls: { service: string; action: string; parameters: Record<string, unknown> }[] = [];

  constructor(
    private readonly functions: Record<string, FunctionBehaviour> = {},
    private readonly services: ServiceBehaviour = () => ({}),
  ) {}

  async invokeFunction(functionArn: string, payload: unknown): Promise<InvokeFunctionResult> {
    const functionName = functionArn.split(':')[6] ?? functionArn;
    this.functionCalls.push({ functionName, payload });
    const behaviour = this.functions[functionName];
    if (behaviour === undefined)
      throw Object.assign(new Error(`no function ${functionName}`), { name: 'ResourceNotFoundException' });
    return behaviour(payload, this.functionCalls.filter((call) => call.functionName === functionName).length);
  }

  async callService(service: string, action: string, parameters: Record<string, unknown>): Promise<unknown> {
    this.serviceCalls.push({ service, action, parameters });
    return this.services(service, action, parameters);
  }

  calledFunctions(): string[] {
    return this.functionCalls.map((call) => call.functionName);
  }
}

export interface Harness {
  service: LocalStepFunctions;
  client: SFNClient;
  /** Builds another client against the same endpoint, e.g. with `disableHostPrefix`. */
  clientWith(config: Partial<SFNClientConfig>): SFNClient;
  close(): Promise<void>;
}

export async function startHarness(
  integrations: TaskIntegrations,
  options: Partial<LocalStepFunctionsOptions> = {},
  /** Wraps the API the edge serves, e.g. with the callback faults. */
  wrapApi: (api: JsonProtocolApi, service: LocalStepFunctions) => JsonProtocolApi = (api) => api,
): Promise<Harness> {
  const service = new LocalStepFunctions({ integrations, ...options });
  const server: Server = createServer(jsonApiListener(wrapApi(stepFunctionsApi(service), service)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const clientWith = (config: Partial<SFNClientConfig>) =>
    new SFNClient({
      region: REGION,
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      ...config,
    });
  const client = clientWith({});
  return {
    service,
    client,
    clientWith,
    async close() {
      client.destroy();
      await service.stop();
      server.close();
      await once(server, 'close');
    },
  };
}

export function stateMachine(
  name: string,
  definition: Record<string, unknown>,
  type: StateMachineConfig['type'] = 'STANDARD',
): StateMachineConfig {
  return { name, arn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`, definition, type };
}

export function functionArn(name: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
}

/** A `lambda:invoke` Task, as CDK's LambdaInvoke renders it (payload at `$.Payload`). */
export function invokeTask(functionName: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: functionArn(functionName), 'Payload.$': '$' },
    ResultSelector: { 'Payload.$': '$.Payload' },
    ...fields,
  };
}

/** The Lambda runtime's report of a thrown error. */
export function thrown(errorType: string, errorMessage: string): InvokeFunctionResult {
  return {
    error: { errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`, '    at handler (index.js:1:1)'] },
  };
}

export async function fullHistory(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return events;
}

/** Polls `probe` until it returns a value (not undefined), for state reached through asynchronous work. */
export async function eventually<T>(probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
