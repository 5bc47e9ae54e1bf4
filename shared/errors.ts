/**
 * The error taxonomy. Every error a handler can raise on purpose is one of these classes.
 *
 * - The HTTP error handler maps them to status codes by `instanceof` (see `shared/http/error-envelope.ts`).
 * - Step Functions' Retry and Catch select on the error's `name`, which is what Lambda reports as `errorType`.
 *   So every class sets `name` to its own class name, and `TRANSIENT_ERROR_NAMES` lists the ones a saga retries.
 */

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `shippingAddress.country`; empty for the whole body. */
  readonly path: string;
  readonly message: string;
}

/** Base class: a failure the platform anticipated, with a stable machine-readable code. */
export abstract class AppError extends Error {
  abstract readonly httpStatus: number;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The request or command is malformed. Nothing was written. */
export class ValidationError extends AppError {
  readonly httpStatus = 400;
  constructor(message: string, details?: readonly FieldIssue[], options?: { cause?: unknown }) {
    super('VALIDATION_FAILED', message, details, options);
    this.name = 'ValidationError';
  }
}

export class MalformedJsonError extends AppError {
  readonly httpStatus = 400;
  constructor(options?: { cause?: unknown }) {
    super('MALFORMED_JSON', 'The request body is not valid JSON', undefined, options);
    this.name = 'MalformedJsonError';
  }
}

/** The request body is not JSON by its `Content-Type` (a form, XML, plain text): refused before it is read. */
export class UnsupportedMediaTypeError extends AppError {
  readonly httpStatus = 415;
  constructor(contentType: string) {
    super('UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON (Content-Type: application/json)', {
      contentType: contentType.slice(0, 100),
    });
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** The request body is larger than the API reads. Refused before it is parsed: nothing was written. */
export class PayloadTooLargeError extends AppError {
  readonly httpStatus = 413;
  constructor(limitBytes: number, options?: { cause?: unknown }) {
    super('PAYLOAD_TOO_LARGE', `The request body is larger than ${limitBytes} bytes`, { limitBytes }, options);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnauthorizedError extends AppError {
  readonly httpStatus = 401;
  constructor(message = 'Authentication is required', options?: { cause?: unknown }) {
    super('UNAUTHORIZED', message, undefined, options);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends AppError {
  readonly httpStatus = 403;
  constructor(message = 'You are not allowed to do this', options?: { cause?: unknown }) {
    super('FORBIDDEN', message, undefined, options);
    this.name = 'ForbiddenError';
  }
}

/** Also used for resources that exist but belong to someone else, so that nothing leaks across owners or tenants. */
export class NotFoundError extends AppError {
  readonly httpStatus = 404;
  constructor(what: string, id: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', `${what} ${id} was not found`, { resource: what, id }, options);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends AppError {
  readonly httpStatus = 409;
  constructor(code: string, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(code, message, details, options);
    this.name = 'ConflictError';
  }
}

/** The request is well formed but a business rule refuses it (e.g. refunding more than was paid). */
export class BusinessRuleError extends AppError {
  readonly httpStatus = 422;
  constructor(code: string, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(code, message, details, options);
    this.name = 'BusinessRuleError';
  }
}

/** A dependency failed in a way that a later attempt may not. Sagas retry it with backoff and jitter; the API answers 503. */
export class TransientError extends AppError {
  readonly httpStatus = 503;
  constructor(message: string, options?: { cause?: unknown }) {
    super('SERVICE_UNAVAILABLE', message, undefined, options);
    this.name = 'TransientError';
  }
}

// Saga errors. Their names are matched by the state machines' Catch blocks, and each maps to a checkout failure code.

export class OutOfStockError extends AppError {
  readonly httpStatus = 409;
  constructor(readonly skus: readonly string[]) {
    super('OUT_OF_STOCK', `Not enough stock for ${skus.join(', ')}`, { skus });
    this.name = 'OutOfStockError';
  }
}

export class PaymentDeclinedError extends AppError {
  readonly httpStatus = 402;
  constructor(reason: string) {
    super('PAYMENT_DECLINED', `The payment was declined: ${reason}`, { reason });
    this.name = 'PaymentDeclinedError';
  }
}

export class InvalidCartError extends AppError {
  readonly httpStatus = 422;
  constructor(message: string, details?: unknown) {
    super('INVALID_CART', message, details);
    this.name = 'InvalidCartError';
  }
}

/** The simulated (or real) payment gateway could not be reached or asked us to try again. */
export class PaymentGatewayUnavailableError extends TransientError {
  constructor(message = 'The payment gateway is temporarily unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PaymentGatewayUnavailableError';
  }
}

/**
 * The payment gateway did not answer in time: the charge may have happened, its answer was lost. A retry must ask
 * again with the same idempotency key (the checkout id), so the provider answers the charge it made, not a new one.
 */
export class PaymentGatewayTimeoutError extends TransientError {
  constructor(message = 'The payment gateway did not answer in time', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PaymentGatewayTimeoutError';
  }
}

// Provisioning saga errors. Their names are matched by the provisioning saga's Catch blocks and by MarkFailed, which
// turns them into the resource's failure code.

/** The tenant's quota cannot hold what the resource needs. The API refuses with `BusinessRuleError` before any saga. */
export class QuotaExceededError extends AppError {
  readonly httpStatus = 422;
  constructor(message: string, details?: unknown) {
    super('QUOTA_EXCEEDED', message, details);
    this.name = 'QuotaExceededError';
  }
}

/** The region has no free slot of the flavor (or does not offer it at all). */
export class CapacityUnavailableError extends AppError {
  readonly httpStatus = 409;
  constructor(message: string, details?: unknown) {
    super('CAPACITY_UNAVAILABLE', message, details);
    this.name = 'CapacityUnavailableError';
  }
}

/** The node agent reported that it could not build the resource. Not retried: the saga compensates. */
export class ProvisioningFailedError extends AppError {
  readonly httpStatus = 502;
  constructor(message: string, details?: unknown, options?: { cause?: unknown }) {
    super('PROVISIONING_FAILED', message, details, options);
    this.name = 'ProvisioningFailedError';
  }
}

/**
 * Every node agent is busy: the worker command was not sent, so that no task token waits in a queue while its
 * heartbeat clock runs. The saga waits and tries again with a retrier of its own (`tuning.retry.workerFleetBusy`),
 * then compensates with `WORKERS_BUSY`.
 */
export class WorkerFleetBusyError extends AppError {
  readonly httpStatus = 503;
  constructor(message: string, details?: unknown) {
    super('WORKERS_BUSY', message, details);
    this.name = 'WorkerFleetBusyError';
  }
}

/**
 * Error names a saga step retries before it compensates. Powertools' `IdempotencyAlreadyInProgressError` is here
 * because a concurrent duplicate of a step is still running: waiting and retrying yields its stored result.
 */
export const TRANSIENT_ERROR_NAMES = [
  'TransientError',
  'PaymentGatewayUnavailableError',
  'PaymentGatewayTimeoutError',
  'IdempotencyAlreadyInProgressError',
  'IdempotencyPersistenceLayerError',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'TransactionConflictException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  // A function that timed out may have committed its work; its retry is safe because every step is idempotent.
  'Sandbox.Timedout',
  'Lambda.Unknown',
] as const;

/** Names of errors that fail a checkout with a known code; anything else is `INTERNAL`. */
export const CHECKOUT_FAILURE_CODES: Readonly<Record<string, CheckoutFailureCode>> = {
  OutOfStockError: 'OUT_OF_STOCK',
  PaymentDeclinedError: 'PAYMENT_DECLINED',
  InvalidCartError: 'INVALID_CART',
};

export type CheckoutFailureCode = 'OUT_OF_STOCK' | 'PAYMENT_DECLINED' | 'INVALID_CART' | 'INTERNAL';

export function isTransientErrorName(name: string): boolean {
  return (TRANSIENT_ERROR_NAMES as readonly string[]).includes(name);
}
