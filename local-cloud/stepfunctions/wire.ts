/** How the Step Functions JSON API reads request members and writes values, shared by its data and control planes. */
import { AwsServiceError } from '../aws-protocol.js';

/** The SDK parses JSON timestamps as epoch seconds. */
export function seconds(epochMilliseconds: number): number {
  return epochMilliseconds / 1000;
}

export function unsupported(feature: string): AwsServiceError {
  return new AwsServiceError('ValidationException', `${feature} is not supported by the local cloud`);
}

export function optionalString(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsServiceError('ValidationException', `${member} must be a string`);
  return value;
}
