/**
 * KMS's errors, by the names the AWS SDK surfaces (`error.name`), as the API reference lists them per operation
 * (https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html and each operation's "Errors" section).
 */
import { AwsServiceError } from '../aws-protocol.js';

export const kmsError = {
  notFound: (message: string) => new AwsServiceError('NotFoundException', message),
  disabled: (keyArn: string) => new AwsServiceError('DisabledException', `${keyArn} is disabled.`),
  invalidKeyUsage: (message: string) => new AwsServiceError('InvalidKeyUsageException', message),
  // AWS gives no message for a ciphertext it cannot decrypt (wrong context, altered blob): neither does the local one.
  invalidCiphertext: () => new AwsServiceError('InvalidCiphertextException', ''),
  incorrectKey: () =>
    new AwsServiceError(
      'IncorrectKeyException',
      'The key ID in the request does not identify a CMK that can perform this operation.',
    ),
  invalidSignature: () => new AwsServiceError('KMSInvalidSignatureException', ''),
  invalidMac: () => new AwsServiceError('KMSInvalidMacException', ''),
  validation: (message: string) => new AwsServiceError('ValidationException', message),
  alreadyExists: (message: string) => new AwsServiceError('AlreadyExistsException', message),
  unsupported: (message: string) => new AwsServiceError('UnsupportedOperationException', message),
};
