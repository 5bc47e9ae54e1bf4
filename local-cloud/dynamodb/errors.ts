import { AwsServiceError } from '../aws-protocol.js';

const SERVICE_NAMESPACE = 'com.amazonaws.dynamodb.v20120810';

/**
 * An error shaped like the real service's: `__type` carries the namespace DynamoDB uses
 * (`com.amazonaws.dynamodb.v20120810#Name`), which the SDK strips to the exception name.
 */
export function dynamoDbError(
  name: string,
  message: string,
  extra: Record<string, unknown> = {},
  statusCode = 400,
): AwsServiceError {
  return new AwsServiceError(`${SERVICE_NAMESPACE}#${name}`, message, statusCode, extra);
}

/** DynamoDB reports request validation failures under the shared Coral namespace, not its own. */
export function validationError(message: string): AwsServiceError {
  return new AwsServiceError('com.amazon.coral.validate#ValidationException', message);
}

/** The exception name without its namespace, e.g. `ConditionalCheckFailedException`. */
export function shortErrorName(error: AwsServiceError): string {
  return error.code.slice(error.code.lastIndexOf('#') + 1);
}

export function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof AwsServiceError && shortErrorName(error) === 'ConditionalCheckFailedException';
}

/** A CloudFormation table property that would change behaviour locally but is not emulated. */
export class UnsupportedTablePropertyError extends Error {
  constructor(
    readonly tableName: string,
    readonly property: string,
    reason: string,
  ) {
    super(`AWS::DynamoDB::Table ${tableName}: ${property} is not supported by the local cloud (${reason})`);
    this.name = 'UnsupportedTablePropertyError';
  }
}

/** A persisted table whose keys or indexes no longer match the template, so its data cannot be reused as is. */
export class TableDefinitionMismatchError extends Error {
  constructor(tableName: string, difference: string) {
    super(
      `Table ${tableName} already exists in the local DynamoDB store with a different definition (${difference}). ` +
        'Delete the persistence directory (or the table) to recreate it from the template.',
    );
    this.name = 'TableDefinitionMismatchError';
  }
}

/** dynalite refused to create a table from the template's properties. */
export class TableCreationError extends Error {
  constructor(tableName: string, cause: unknown) {
    super(`Creating table ${tableName} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'TableCreationError';
  }
}
