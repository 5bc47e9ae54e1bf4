/**
 * The DynamoDB document client, created once per execution environment, with the contention retry. One module per
 * client on purpose: the AWS SDK is external to the bundles, so every client a bundle imports is loaded at its cold
 * start, used or not. The endpoint comes from `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL`, which is how the same
 * bundle talks to AWS, LocalStack or the local cloud.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { retryContention } from './contention.js';

let documentClient: DynamoDBDocumentClient | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(retryContention(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}
