/**
 * Every route of the public API with its schemas: the single description from which `docs/openapi.json` is
 * generated, and against which the infra tests check the deployed API's routes.
 */
import * as z from 'zod';
import type { ApiRoute } from './api-route.js';
import { AuditQuery, AuditTrail } from './audit-api.js';
import {
  Cart,
  CartItemPath,
  CartPath,
  CheckoutAccepted,
  CheckoutView,
  Order,
  OrderPath,
  Product,
  ProductList,
  ProductPath,
  PutCartItemBody,
  RefundBody,
  RefundView,
  StartCheckoutBody,
} from './checkout-api.js';
import { Identifier } from './common.js';
import { IDENTITY_API_ROUTES } from './identity-api.js';
import { HealthReady } from './platform-api.js';
import { PROVISIONING_API_ROUTES } from './provisioning-api.js';
import { WEBHOOKS_API_ROUTES } from './webhooks-api.js';

export const apiRoutes: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: '/health/live',
    handler: 'Health',
    summary: 'Liveness: the API and its functions answer',
    public: true,
    success: { status: 200, schema: z.object({ status: z.literal('ok') }) },
    errors: [],
  },
  {
    method: 'GET',
    path: '/health/ready',
    handler: 'Health',
    summary: 'Readiness: dependencies reachable, with version, commit, build date and uptime',
    public: true,
    success: { status: 200, schema: HealthReady },
    errors: [503],
  },
  {
    method: 'GET',
    path: '/products',
    handler: 'ListProducts',
    summary: 'List the catalog',
    success: { status: 200, schema: ProductList },
    errors: [],
  },
  {
    method: 'GET',
    path: '/products/{sku}',
    handler: 'GetProduct',
    summary: 'One product with its stock',
    pathParameters: ProductPath,
    success: { status: 200, schema: Product },
    errors: [400, 404],
  },
  {
    method: 'GET',
    path: '/carts/{cartId}',
    handler: 'GetCart',
    summary: "The caller's cart at current prices",
    pathParameters: CartPath,
    success: { status: 200, schema: Cart },
    errors: [400, 404],
  },
  {
    method: 'PUT',
    path: '/carts/{cartId}/items/{sku}',
    handler: 'PutCartItem',
    summary: 'Set the quantity of a product in the cart (creates the cart)',
    pathParameters: CartItemPath,
    body: PutCartItemBody,
    success: { status: 200, schema: Cart },
    errors: [400, 404, 409],
  },
  {
    method: 'DELETE',
    path: '/carts/{cartId}/items/{sku}',
    handler: 'RemoveCartItem',
    summary: 'Remove a product from the cart',
    pathParameters: CartItemPath,
    success: { status: 200, schema: Cart },
    errors: [400, 404],
  },
  {
    method: 'POST',
    path: '/checkouts',
    handler: 'StartCheckout',
    summary: 'Start the checkout saga for a cart',
    idempotencyKey: true,
    body: StartCheckoutBody,
    success: { status: 202, schema: CheckoutAccepted },
    errors: [400, 404, 409, 422, 503],
  },
  {
    method: 'GET',
    path: '/checkouts/{checkoutId}',
    handler: 'GetCheckout',
    summary: 'Status, totals, failure and steps of a checkout',
    pathParameters: z.object({ checkoutId: Identifier }),
    success: { status: 200, schema: CheckoutView },
    errors: [400, 404],
  },
  {
    method: 'GET',
    path: '/orders/{orderId}',
    handler: 'GetOrder',
    summary: 'An order (its customer, or support/admin of the tenant)',
    pathParameters: OrderPath,
    success: { status: 200, schema: Order },
    errors: [400, 404],
  },
  {
    method: 'POST',
    path: '/orders/{orderId}/refunds',
    handler: 'RequestRefund',
    summary: 'Refund an order fully or partly (support/admin)',
    idempotencyKey: true,
    roles: ['support', 'admin'],
    pathParameters: OrderPath,
    body: RefundBody,
    success: { status: 201, schema: RefundView },
    errors: [400, 404, 409, 422],
  },
  ...PROVISIONING_API_ROUTES,
  ...IDENTITY_API_ROUTES,
  {
    method: 'GET',
    path: '/audit',
    handler: 'GetAudit',
    summary: 'The audit trail of one resource, newest first (tenant-admin of its tenant)',
    roles: ['tenant-admin'],
    query: AuditQuery,
    success: { status: 200, schema: AuditTrail },
    errors: [400, 404],
  },
  ...WEBHOOKS_API_ROUTES,
];
