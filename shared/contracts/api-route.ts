/**
 * What one route of the public API declares: the leaf type every context's route table uses, so that no context's
 * contracts import the table of all routes (`api-routes.ts`).
 */
import type * as z from 'zod';

export interface ApiRoute {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Path template as API Gateway writes it, e.g. `/carts/{cartId}`. */
  readonly path: string;
  /**
   * The command that serves the route: the function its context declared with `command('<handler>', { on: 'api' })`
   * (`lib/constructs/bounded-context-stack.ts`). The API stack wires every route to it by this name.
   */
  readonly handler: string;
  readonly summary: string;
  /** Routes without a token: the health checks, and the token endpoint and key set of service accounts. */
  readonly public?: boolean;
  readonly idempotencyKey?: boolean;
  readonly roles?: readonly string[];
  readonly pathParameters?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /**
   * How the body is encoded. Every route reads JSON, except the OAuth token endpoint, whose form encoding RFC 6749
   * §4.4.2 requires (and whose handler reads it itself). @default 'application/json'
   */
  readonly bodyMediaType?: 'application/json' | 'application/x-www-form-urlencoded';
  readonly success: { readonly status: number; readonly schema: z.ZodType };
  /** The body of the route's errors, where it is not the API's envelope (the OAuth token endpoint's RFC 6749 §5.2). */
  readonly errorBody?: z.ZodType;
  /** Error statuses this route answers besides 401/403/429/500, which every authorized route may. */
  readonly errors: readonly number[];
}
