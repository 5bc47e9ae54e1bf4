/**
 * The environment variables that the infrastructure sets (`AppFunction.bindTable`, `bindQueue`, `bindStateMachine`,
 * the settings of a command) and the functions read (`requiredEnv`), named once: a resource name used on one side and misspelt on the other
 * fails the type check instead of a Lambda at run time.
 */

/** The tables a function may be bound to, by the name in its `<NAME>_TABLE_NAME` variable. */
export type TableName =
  | 'AUDIT'
  | 'CAPACITY'
  | 'CARTS'
  | 'CATALOG'
  | 'CHECKOUTS'
  | 'DELIVERIES'
  | 'ENDPOINT_SLOTS'
  | 'IDEMPOTENCY'
  | 'METERS'
  | 'NOTIFICATIONS'
  | 'ORDERS'
  | 'ORDER_TENANTS'
  | 'PAYMENTS'
  | 'PROJECTS'
  | 'RESERVATIONS'
  | 'RESOURCES'
  | 'SERVICE_ACCOUNTS'
  | 'TENANTS'
  | 'USAGE'
  | 'WEBHOOKS'
  | 'WORKER_FLEET';
/**
 * `WORKER`: where the dispatcher sends worker commands. `DEAD_LETTER`: where a consumer sends what it refuses.
 * `WEBHOOK_DELIVERY`: where webhook deliveries wait for the deliverer.
 */
export type QueueName = 'WORKER' | 'DEAD_LETTER' | 'WEBHOOK_DELIVERY';
export type StateMachineName = 'CHECKOUT' | 'PROVISION' | 'DEPROVISION';

/**
 * Settings the infrastructure passes to a function besides its bindings (`AppFunction`'s and a command's
 * `environment`), each read by one adapter. The bus name comes with `bindEventBus`, the TTL with `bindIdempotency`.
 */
export type SettingName =
  /** `bindEventBus`: where `eventBridgePublisher` publishes. */
  | 'EVENT_BUS_NAME'
  /** `bindIdempotency`: how long idempotency records live, in seconds. */
  | 'IDEMPOTENCY_TTL_SECONDS'
  /**
   * The authorizer's trust: issuer, audience, and its keys from one of two sources, the issuer's JSON Web Key Set
   * (`JWT_JWKS_URL`) or a JSON list of public keys (`JWT_PUBLIC_KEYS`, PEM).
   */
  | 'JWT_ISSUER'
  | 'JWT_AUDIENCE'
  | 'JWT_JWKS_URL'
  | 'JWT_PUBLIC_KEYS'
  /**
   * Staging's e2e issuer beside the identity provider (docs/adr/0042-an-e2e-issuer-for-staging.md), set together or
   * not at all: its `iss`, and its public keys as `JWT_PUBLIC_KEYS` holds them.
   */
  | 'JWT_E2E_ISSUER'
  | 'JWT_E2E_PUBLIC_KEYS'
  /** Readiness: `<table>:<key>[:<sort key>]`, comma-separated; and the build the health check reports. */
  | 'HEALTH_CHECK_TABLES'
  | 'APP_VERSION'
  | 'APP_COMMIT'
  | 'APP_BUILD_DATE'
  /** The quotas of a tenant without an item, JSON `{ vcpu, memoryGiB, storageGiB }`. */
  | 'DEFAULT_TENANT_QUOTAS'
  /** The worker fleet: its size and slot lease, and the simulated agent's work and heartbeat times. */
  | 'WORKER_FLEET_SIZE'
  | 'WORKER_LEASE_SECONDS'
  | 'WORKER_DURATION_MS'
  | 'WORKER_HEARTBEAT_MS'
  /** `on` where the stage offers test flavors and the payment simulator's fault tokens; `off` on production. */
  | 'TEST_BEHAVIOUR'
  /**
   * Platform-issued tokens (service accounts): their issuer and audience, and the KMS key (ARN) that signs them, which
   * the token endpoint signs with and the authorizer verifies with.
   */
  | 'PLATFORM_TOKEN_ISSUER'
  | 'PLATFORM_TOKEN_AUDIENCE'
  | 'PLATFORM_SIGNING_KEY_ARN'
  /**
   * The KMS key (ARN) that personal data of checkouts is sealed under: set by a command that encrypts or decrypts
   * personal data, with exactly that grant (docs/adr/0040-personal-data-is-envelope-encrypted.md).
   */
  | 'PERSONAL_DATA_KEY_ARN'
  /** Webhooks: the KMS key that seals signing secrets, and the stage's delivery settings (lib/stacks/webhooks-stack.ts). */
  | 'WEBHOOK_SECRET_KEY_ID'
  | 'WEBHOOK_LOOPBACK_HTTP'
  | 'WEBHOOK_RETRY_SCHEDULE'
  | 'WEBHOOK_REQUEST_TIMEOUT_MS'
  | 'WEBHOOK_ENDPOINT_CONCURRENCY'
  | 'WEBHOOK_BUSY_RETRY_SECONDS'
  | 'WEBHOOK_SECRET_OVERLAP_SECONDS';

/** Every variable the infrastructure sets for a function and the function reads. */
export type EnvironmentName =
  | `${TableName}_TABLE_NAME`
  | `${QueueName}_QUEUE_URL`
  | `${StateMachineName}_STATE_MACHINE_ARN`
  | SettingName;

/** A function's settings, as a stack writes them. */
export type Settings = Partial<Record<SettingName, string>>;

/** The variable's value; a missing one is a wiring mistake, named as such. */
export function requiredEnv(name: EnvironmentName): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set; the construct that binds it is missing`);
  return value;
}

/** Whether this stage offers test-only behaviour (`TEST_BEHAVIOUR=on`); off unless the stage says so. */
export function testBehaviourOffered(): boolean {
  return optionalEnv('TEST_BEHAVIOUR', 'off') === 'on';
}

/** The variable's value, or `fallback` where the infrastructure may leave it out. */
export function optionalEnv(name: EnvironmentName, fallback: string): string {
  return process.env[name] || fallback;
}

/** `CATALOG` → `CATALOG_TABLE_NAME`. */
export const tableEnv = <Name extends TableName>(name: Name): `${Name}_TABLE_NAME` => `${name}_TABLE_NAME`;
/** `WORKER` → `WORKER_QUEUE_URL`. */
export const queueEnv = <Name extends QueueName>(name: Name): `${Name}_QUEUE_URL` => `${name}_QUEUE_URL`;
/** `CHECKOUT` → `CHECKOUT_STATE_MACHINE_ARN`. */
export const stateMachineEnv = <Name extends StateMachineName>(name: Name): `${Name}_STATE_MACHINE_ARN` =>
  `${name}_STATE_MACHINE_ARN`;
