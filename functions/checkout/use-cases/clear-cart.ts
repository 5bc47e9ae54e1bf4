import type { ClearCartCommand } from '../../../shared/contracts/checkout-saga.js';
import { logger } from '../../../shared/powertools/index.js';
import type { CartRepository } from '../ports/carts.js';

/** Empties the cart the order came from. A cart that is gone, or no longer the customer's, is left alone. */
export async function clearCart(
  command: Pick<ClearCartCommand, 'cartId' | 'customerId' | 'tenantId'>,
  deps: { carts: CartRepository },
): Promise<{ cleared: boolean }> {
  const cleared = await deps.carts.clearItems(command.cartId, {
    ownerSub: command.customerId,
    tenantId: command.tenantId,
  });
  if (!cleared) logger.info('No cart of the customer to clear', { cartId: command.cartId });
  return { cleared };
}
