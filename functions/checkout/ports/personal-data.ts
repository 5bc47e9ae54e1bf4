/**
 * Personal data of a checkout (the full shipping address and the contact) is stored sealed: encrypted under a data key
 * of its own, bound to the record it belongs to (docs/adr/0040-personal-data-is-envelope-encrypted.md).
 */
import type { CustomerContact, ShippingAddress } from '../../../shared/contracts/common.js';

/** What is sealed, as one message: one data key per checkout record. */
export interface PersonalData {
  readonly shippingAddress: ShippingAddress;
  readonly contact?: CustomerContact | undefined;
}

/**
 * The record the data belongs to. Sealed with it, and checked when opened: data copied onto another checkout or
 * another tenant does not open.
 */
export interface PersonalDataOwner {
  readonly tenantId: string;
  readonly checkoutId: string;
}

export interface PersonalDataCipher {
  /** The data, encrypted and bound to `owner`, as text fit for one attribute. */
  seal(data: PersonalData, owner: PersonalDataOwner): Promise<string>;
  /**
   * The data sealed for `owner`. Data sealed for another owner, or altered, is a `PersonalDataIntegrityError`; a
   * caller without the right to decrypt gets the provider's access error.
   */
  open(sealed: string, owner: PersonalDataOwner): Promise<PersonalData>;
}

/**
 * Sealed data that does not belong where it was found, or does not parse: never the customer's doing, so not an
 * `AppError` (the API answers 500 and the alarm on errors fires).
 */
export class PersonalDataIntegrityError extends Error {
  override readonly name = 'PersonalDataIntegrityError';
}
