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

/**
 * Where tax applies: the shipping address's country and region. The only part of the address kept in clear on the
 * checkout record (PriceCart reads it); at that granularity it names no person and no place anyone lives
 * (docs/adr/0040-personal-data-is-envelope-encrypted.md).
 */
export const TaxLocation = z
  .object({
    country: CountryCode,
    region: z.string().min(1).max(64).describe('State, province or region code, e.g. CA'),
  })
  .strict();
export type TaxLocation = z.infer<typeof TaxLocation>;

/** A line of free text a person typed: trimmed, never blank. */
const PersonalText = (maxLength: number) => z.string().trim().min(1).max(maxLength);

/**
 * Where a parcel goes. The recipient, lines and city are optional so that clients of the first version, which sent
 * the tax location and postal code only, keep working. Everything but the country and region is stored encrypted
 * (docs/adr/0040-personal-data-is-envelope-encrypted.md).
 */
export const ShippingAddress = TaxLocation.extend({
  postalCode: PersonalText(16),
  recipient: PersonalText(128).optional().describe('Who receives the parcel'),
  lines: z.array(PersonalText(128)).min(1).max(3).optional().describe('Street, number, floor: one to three lines'),
  city: PersonalText(64).optional(),
}).strict();
export type ShippingAddress = z.infer<typeof ShippingAddress>;

/** How the customer is told about the order: stored encrypted, read only by the notifications and the owner's order view. */
export const CustomerContact = z
  .object({
    email: z.email().max(254).describe('Where order and refund e-mails go'),
    phone: z
      .string()
      .regex(/^\+[1-9][0-9]{6,14}$/, 'an E.164 number, e.g. +14155550100')
      .optional()
      .describe('Where text messages go, in E.164 form'),
  })
  .strict();
export type CustomerContact = z.infer<typeof CustomerContact>;

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
  /**
   * A service account's project scope (its platform token's `project` claim): it may act in this project only.
   * Absent for people, whose reach is their tenant and roles (docs/service-accounts.md).
   */
  readonly project?: string;
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
