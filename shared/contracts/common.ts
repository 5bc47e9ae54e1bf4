import * as z from 'zod';

/** Identifiers are opaque, URL-safe strings: what clients may put in a path segment. */
export const Identifier = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits, and _ . : -');

export const Sku = Identifier.describe('Stock keeping unit, e.g. SKU-KEYBOARD');

/** Money is always an integer number of cents, never a float. */
export const Cents = z.int().min(0).max(100_000_000);

const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code in capitals, e.g. US')
  .describe('ISO 3166-1 alpha-2 country code');

export const ShippingAddress = z
  .object({
    country: CountryCode,
    region: z.string().min(1).max(64).describe('State, province or region code, e.g. CA'),
    postalCode: z.string().min(1).max(16),
  })
  .strict();
export type ShippingAddress = z.infer<typeof ShippingAddress>;

export const Totals = z.object({
  subtotalCents: Cents,
  discountCents: Cents,
  taxCents: Cents,
  totalCents: Cents,
});
export type Totals = z.infer<typeof Totals>;

export const CorrelationId = z.string().min(1).max(128);

/** Who made a request, as the authorizer verified it from the JWT. */
export interface Principal {
  readonly sub: string;
  readonly roles: readonly string[];
  readonly tenant: string;
}

/**
 * `srn:sagastack:{region}:{tenantId}:{projectId}:{type}/{id}`. Segments never hold `:` or `/`, so an SRN parses one
 * way only. A project is global: its region is empty (as in an IAM ARN) and it is its own project. The type is any
 * lower-case word here, so every context can name its things; provisioning names `vm`, `volume` and `project`.
 */
export const SRN_PATTERN = /^srn:sagastack:([a-z0-9-]*):([^:/\s]+):([^:/\s]+):([a-z][a-z0-9-]*)\/([^:/\s]+)$/;
export const Srn = z
  .string()
  .max(512)
  .regex(SRN_PATTERN, 'srn:sagastack:{region}:{tenantId}:{projectId}:{type}/{id}')
  .describe('Canonical resource name, e.g. srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res_1');

/** A saga step's failure as a state machine's Catch records it under `$.failure`; `Cause` is JSON for Lambda errors. */
export const CaughtFailure = z.object({ Error: z.string(), Cause: z.string().optional() });
export type CaughtFailure = z.infer<typeof CaughtFailure>;

/**
 * What a saga's outcome step (CompleteCheckout, MarkActive, ...) returns: the event the saga then publishes with `events:putEvents`.
 * `detail` is an object (not a JSON string): the Step Functions integration serializes it.
 */
export const OutcomeEvent = z.object({
  detailType: z.string(),
  source: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type OutcomeEvent = z.infer<typeof OutcomeEvent>;

/** Every API error: `{ error: { code, message, details?, correlationId } }` (shared/http/error-envelope.ts). */
export const ErrorEnvelope = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    correlationId: z.string(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
