/**
 * The adapter every API command (a request that creates or changes something) is built from: `apiHandler`'s parsing,
 * identity and error envelope, plus the one idempotency scheme of the API (docs/adr/0022-one-api-command-adapter.md).
 *
 * - The client's `Idempotency-Key` header is required (8 to 128 characters).
 * - A command runs once per caller and key: the record key is `<tenant>:<sub>:<Idempotency-Key>`, so two callers, or
 *   one caller in two tenants, may pick the same key. A repeat gets the first result, whatever happened since.
 * - A repeat with another request (path parameters or body) is refused: 409 `IDEMPOTENCY_KEY_REUSED`.
 * - Records live `IDEMPOTENCY_TTL_SECONDS` (24 h). Ids that use cases derive from the key (checkout, refund, project,
 *   resource) are their own affair: a retry after the record expired finds the same id and resumes, not repeats.
 *
 * @example
 * export const handler = apiCommand(
 *   { path: OrderPath, body: RefundBody, roles: ['support'], status: 201 },
 *   ({ path, body, principal, idempotencyKey, correlationId }) => requestRefund({ ... }, ports()),
 * );
 */
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import type { Principal } from '../contracts/common.js';
import { idempotentCommand } from '../idempotency.js';
import { type ApiHandlerSpec, apiHandler } from './api-handler.js';

type Inferred<T> = T extends z.ZodType ? z.infer<T> : undefined;

/** What a command receives: the parsed request, with the client's `Idempotency-Key` known to be present. */
export interface CommandRequest<TBody, TPath> {
  readonly body: TBody;
  readonly path: TPath;
  readonly principal: Principal;
  /** The client's `Idempotency-Key`, as sent (use cases derive their ids from it). */
  readonly idempotencyKey: string;
  readonly correlationId: string;
}

export interface ApiCommandSpec<TBody extends z.ZodType, TPath extends z.ZodType>
  extends Omit<ApiHandlerSpec<TBody, TPath, z.ZodUndefined>, 'query' | 'public' | 'requireIdempotencyKey'> {
  /** The status of a success: 201 when the command created something, 202 when it started something. */
  readonly status: 201 | 202;
  /**
   * Where the created or started thing can be read, sent as the `Location` header: a path template whose
   * `{field}`s are filled from the result, e.g. `/checkouts/{checkoutId}`. @default none
   */
  readonly location?: string;
}

/** What the idempotency layer stores a command under, and what a repeat must match. */
interface IdempotentInput<TBody, TPath> {
  readonly recordKey: string;
  /**
   * The request a repeat must match: the path's parameters with the body. (A command without path parameters matches
   * on its body alone, which is what the records written before this adapter hold.)
   */
  readonly request: unknown;
  readonly command: CommandRequest<TBody, TPath>;
}

/** The one idempotency-record key of the API: the client's key, scoped to the caller. */
const idempotencyRecordKey = (principal: Principal, idempotencyKey: string): string =>
  `${principal.tenant}:${principal.sub}:${idempotencyKey}`;

export function apiCommand<TResult, TBody extends z.ZodType = z.ZodUndefined, TPath extends z.ZodType = z.ZodUndefined>(
  spec: ApiCommandSpec<TBody, TPath>,
  run: (command: CommandRequest<Inferred<TBody>, Inferred<TPath>>) => Promise<TResult>,
) {
  const runOnce = idempotentCommand((input: IdempotentInput<Inferred<TBody>, Inferred<TPath>>) => run(input.command), {
    keyPath: 'recordKey',
    payloadPath: 'request',
  });
  return apiHandler(
    { ...spec, requireIdempotencyKey: true },
    async ({ body, path, principal, idempotencyKey, correlationId, context }) => {
      // Present: apiHandler refuses the request without it (requireIdempotencyKey).
      const key = idempotencyKey as string;
      runOnce.registerContext(context as Context);
      const result = await runOnce({
        recordKey: idempotencyRecordKey(principal, key),
        request: spec.path ? { ...(path as object), body } : body,
        command: { body, path, principal, idempotencyKey: key, correlationId },
      });
      const location = spec.location && locationOf(spec.location, result);
      return { statusCode: spec.status, body: result, ...(location ? { headers: { Location: location } } : {}) };
    },
  );
}

/** `/checkouts/{checkoutId}` with `{ checkoutId: 'c-1' }` → `/checkouts/c-1`. */
function locationOf(template: string, result: unknown): string {
  return template.replace(/\{(\w+)\}/g, (_, field: string) => {
    const value = (result as Record<string, unknown> | undefined)?.[field];
    // A template naming a field its command does not return is a wiring mistake; no client should get a broken link.
    if (typeof value !== 'string') throw new Error(`The result has no string field ${field} for the Location header`);
    return encodeURIComponent(value);
  });
}
