/**
 * The environment variables that the infrastructure sets (`AppFunction.bindTable`, `bindQueue`, `bindStateMachine`)
 * and the functions read (`requiredEnv`), named once: a resource name used on one side and misspelt on the other
 * fails the type check instead of a Lambda at run time.
 */

/** The tables a function may be bound to, by the name in its `<NAME>_TABLE_NAME` variable. */
export type TableName =
  | 'AUDIT'
  | 'CAPACITY'
  | 'CARTS'
  | 'CATALOG'
  | 'CHECKOUTS'
  | 'IDEMPOTENCY'
  | 'METERS'
  | 'NOTIFICATIONS'
  | 'ORDERS'
  | 'PAYMENTS'
  | 'PROJECTS'
  | 'RESERVATIONS'
  | 'RESOURCES'
  | 'TENANTS'
  | 'USAGE'
  | 'WORKER_FLEET';
export type QueueName = 'WORKER';
export type StateMachineName = 'CHECKOUT' | 'PROVISION' | 'DEPROVISION';

/** `CATALOG` → `CATALOG_TABLE_NAME`. */
export const tableEnv = <Name extends TableName>(name: Name): `${Name}_TABLE_NAME` => `${name}_TABLE_NAME`;
/** `WORKER` → `WORKER_QUEUE_URL`. */
export const queueEnv = <Name extends QueueName>(name: Name): `${Name}_QUEUE_URL` => `${name}_QUEUE_URL`;
/** `CHECKOUT` → `CHECKOUT_STATE_MACHINE_ARN`. */
export const stateMachineEnv = <Name extends StateMachineName>(name: Name): `${Name}_STATE_MACHINE_ARN` =>
  `${name}_STATE_MACHINE_ARN`;
