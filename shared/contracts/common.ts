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

export const CountryCode = z
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
