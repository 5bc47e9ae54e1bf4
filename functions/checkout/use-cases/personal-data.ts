/**
 * Opening a checkout's sealed personal data (docs/adr/0040-personal-data-is-envelope-encrypted.md): what the owner's
 * order view and the notifications read. Only their functions hold `kms:Decrypt` on the personal-data key.
 */
import type { CheckoutReader } from '../ports/checkouts.js';
import { type PersonalData, type PersonalDataCipher, PersonalDataIntegrityError } from '../ports/personal-data.js';

export interface PersonalDataPorts {
  readonly checkouts: CheckoutReader;
  readonly cipher: PersonalDataCipher;
}

/**
 * The personal data of the checkout, opened for the customer it belongs to; `undefined` when the checkout holds none
 * (it is gone, or was written before personal data was sealed). A record of another customer is an integrity failure:
 * the caller found the checkout through something of that customer's (an order, an event).
 */
export async function personalDataOf(
  checkoutId: string,
  customerId: string,
  ports: PersonalDataPorts,
): Promise<PersonalData | undefined> {
  const record = await ports.checkouts.find(checkoutId);
  if (!record?.personalData) return undefined;
  if (record.customerId !== customerId) {
    throw new PersonalDataIntegrityError(`Checkout ${checkoutId} belongs to another customer`);
  }
  return ports.cipher.open(record.personalData, { tenantId: record.tenantId, checkoutId });
}
