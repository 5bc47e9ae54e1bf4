/** The SQS client, created once per execution environment (see `dynamodb-client.ts` for why one module each). */
import { SQSClient } from '@aws-sdk/client-sqs';

let sqsClient: SQSClient | undefined;

export function sqs(): SQSClient {
  sqsClient ??= new SQSClient({});
  return sqsClient;
}
