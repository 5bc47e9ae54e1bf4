/**
 * The KMS client, created once per execution environment (see `shared/aws/dynamodb-client.ts` for why one module per
 * client). The endpoint comes from `AWS_ENDPOINT_URL_KMS` / `AWS_ENDPOINT_URL`: AWS, LocalStack or the local cloud.
 */
import { KMSClient } from '@aws-sdk/client-kms';

let kmsClient: KMSClient | undefined;

export function kms(): KMSClient {
  kmsClient ??= new KMSClient({});
  return kmsClient;
}
