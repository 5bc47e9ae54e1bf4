/**
 * Properties of the zod contracts at the entry points, over arbitrary JSON (fast-check): whatever arrives, the parser
 * answers the parsed value or the project's `ValidationError` (the API: its 400 envelope), never another error, so
 * hostile input is always a refusal that names its issues and never a crash or a 500.
 *
 * The values are arbitrary JSON, plus values shaped like each contract (its keys, with arbitrary values under them,
 * nested), so that the parsers are driven past the first `expected object` into every field, and every value may
 * carry the keys that pollute prototypes (`__proto__`, `constructor`, `prototype`) as own keys, as JSON.parse makes
 * them.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, vi } from 'vitest';
import type * as z from 'zod';
import { apiRoutes } from '../../../shared/contracts/api-routes.js';
import * as checkoutSaga from '../../../shared/contracts/checkout-saga.js';
import { AuditEventEnvelope } from '../../../shared/contracts/events/audit-envelope.js';
import { CheckoutRequested } from '../../../shared/contracts/events/checkout-events.js';
import { eventEnvelope } from '../../../shared/contracts/events/define-event.js';
import { NotifiableEventEnvelope } from '../../../shared/contracts/events/notifiable-events.js';
import * as provisioningSaga from '../../../shared/contracts/provisioning-saga.js';
import { DestroyedNode, ProvisionedNode, WorkerCommand } from '../../../shared/contracts/provisioning-worker.js';
import { ScheduledEvent } from '../../../shared/contracts/scheduled-event.js';
import { ValidationError } from '../../../shared/errors.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { sagaStep } from '../../../shared/saga/saga-step.js';
import { parseRecord } from '../../../shared/sqs/event-consumer.js';
import { apiEvent, lambdaContext } from '../support/lambda.js';
import { sqsRecord } from '../support/sqs.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
  });
});

const anyJson = fc.jsonValue({ maxDepth: 4 });
const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'] as const;

/** `value` with some of the polluting keys as own keys, as `JSON.parse` of a hostile body makes them. */
function withPollutingKeys(value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(value, fc.subarray([...POLLUTING_KEYS]), anyJson)
    .map(([base, keys, polluting]) =>
      typeof base === 'object' && base !== null && !Array.isArray(base) && keys.length > 0
        ? JSON.parse(
            `{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(polluting)}`).join(',')}${
              Object.keys(base).length > 0 ? `,${JSON.stringify(base).slice(1)}` : '}'
            }`,
          )
        : base,
    );
}

/** What `shaped` reads of a zod schema's definition (zod 4's `_zod.def`). */
interface SchemaDefinition {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: z.ZodType[];
  readonly values?: unknown[];
  readonly entries?: Record<string, unknown>;
}

/** Values shaped like `schema`: its keys (each maybe missing), with shaped or arbitrary values, or arbitrary JSON. */
function shaped(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const def = (schema as unknown as { _zod: { def: SchemaDefinition } })._zod.def;
  if (depth > 6) return anyJson;
  const inner = (child: z.ZodType | undefined, deeper = 0) => (child ? shaped(child, depth + deeper) : anyJson);
  switch (def.type) {
    case 'object':
      return fc.oneof(
        anyJson,
        withPollutingKeys(
          fc.record(Object.fromEntries(Object.entries(def.shape ?? {}).map(([key, field]) => [key, inner(field, 1)])), {
            requiredKeys: [],
          }),
        ),
      );
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'catch':
      return inner(def.innerType);
    case 'pipe':
      return inner(def.in);
    case 'array':
      return fc.oneof(anyJson, fc.array(inner(def.element, 1), { maxLength: 3 }));
    case 'union':
      return fc.oneof(anyJson, ...(def.options ?? []).map((option) => inner(option, 1)));
    case 'literal':
      return fc.oneof(anyJson, fc.constantFrom(...(def.values ?? [null])));
    case 'enum':
      return fc.oneof(anyJson, fc.constantFrom(...Object.values(def.entries ?? { none: null })));
    default:
      return anyJson;
  }
}

/** Zod schemas exported by a contracts module under a name ending in `Command`: every saga step's input. */
function commandsOf(module: Record<string, unknown>): Array<[string, z.ZodType]> {
  return Object.entries(module).filter(
    (entry): entry is [string, z.ZodType] =>
      entry[0].endsWith('Command') && typeof (entry[1] as { safeParse?: unknown })?.safeParse === 'function',
  );
}

/** Whatever `run` throws, if anything; a rejected promise counts. */
async function thrownBy(run: () => unknown): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error;
  }
}

const QUEUE_MESSAGES: Array<[string, z.ZodType]> = [
  ['notifications (NotifiableEventEnvelope)', NotifiableEventEnvelope],
  ['checkout requests (CheckoutRequested.v1)', eventEnvelope(CheckoutRequested.detail)],
  ['audit events (AuditEventEnvelope)', AuditEventEnvelope],
  ['worker commands (WorkerCommand)', WorkerCommand],
];

describe.each(QUEUE_MESSAGES)('SQS consumer parser: %s', (_name, schema) => {
  test.prop(
    [
      fc.oneof(
        fc.string(),
        fc.json(),
        shaped(schema).map((value) => JSON.stringify(value) ?? 'null'),
      ),
    ],
    {
      numRuns: 150,
    },
  )('a body is parsed or refused with ValidationError', (body) => {
    let thrown: unknown;
    try {
      parseRecord(schema, sqsRecord(body));
    } catch (error) {
      thrown = error;
    }
    if (thrown !== undefined) expect(thrown).toBeInstanceOf(ValidationError);
  });
});

const SAGA_COMMANDS = [...commandsOf(checkoutSaga), ...commandsOf(provisioningSaga)];

describe('saga step parser', () => {
  test('covers every step command of both contexts', () => {
    expect(SAGA_COMMANDS.length).toBeGreaterThan(20);
  });

  describe.each(SAGA_COMMANDS)('%s', (_name, command) => {
    const handler = sagaStep({ command, key: 'resourceId' }, async () => 'ran');
    test.prop([withPollutingKeys(shaped(command))], { numRuns: 40 })(
      'a state runs the step or is refused with ValidationError',
      async (state) => {
        const thrown = await thrownBy(() => handler(state, lambdaContext));
        if (thrown !== undefined) expect(thrown).toBeInstanceOf(ValidationError);
      },
    );
  });
});

describe.each([
  ['ScheduledEvent', ScheduledEvent],
  ['ProvisionedNode (the worker’s answer)', ProvisionedNode],
  ['DestroyedNode (the worker’s answer)', DestroyedNode],
])('other entry contracts: %s', (_name, schema) => {
  test.prop([shaped(schema)], { numRuns: 100 })('safeParse answers and never throws', (value) => {
    const parsed = schema.safeParse(value);
    expect(typeof parsed.success).toBe('boolean');
  });
});

describe.each(apiRoutes.filter((route) => !route.public))('API $method $path', (route) => {
  const handler = apiHandler(
    {
      ...(route.body ? { body: route.body } : {}),
      ...(route.pathParameters ? { path: route.pathParameters } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.roles ? { roles: route.roles } : {}),
      requireIdempotencyKey: route.idempotencyKey ?? false,
    },
    async () => ({ statusCode: 200, body: { ok: true } }),
  );
  const parameterNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
  const pathParameters = fc.record(
    Object.fromEntries(parameterNames.map((name) => [name, fc.oneof(fc.string({ unit: 'binary' }), fc.string())])),
  );
  const body = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.json(),
    route.body ? withPollutingKeys(shaped(route.body)).map((value) => JSON.stringify(value) ?? 'null') : fc.json(),
  );

  test.prop([body, pathParameters, fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 })], { numRuns: 60 })(
    'a request is served or refused with 400 in the envelope, never a 5xx',
    async (rawBody, parameters, query) => {
      const event = {
        ...apiEvent({
          caller: { sub: 'user-1', tenant: 'tenant-1', roles: [...(route.roles ?? ['customer'])] },
          method: route.method,
          pathParameters: parameters,
          body: rawBody,
          headers: { 'Idempotency-Key': 'key-00000001' },
        }),
        queryStringParameters: query,
      };
      const response = await handler(event, lambdaContext);
      const answer = JSON.parse(response.body);
      if (response.statusCode === 200) return;
      expect(response.statusCode).toBe(400);
      expect(['VALIDATION_FAILED', 'MALFORMED_JSON']).toContain(answer.error.code);
      expect(Object.keys(answer)).toEqual(['error']);
    },
  );
});
