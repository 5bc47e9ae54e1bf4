/**
 * AWS SDK clients, created once per execution environment and traced. Endpoints come from the standard
 * `AWS_ENDPOINT_URL_*` variables, which is how the same bundle talks to AWS, LocalStack or the local cloud.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../powertools/index.js';

let documentClient: DynamoDBDocumentClient | undefined;
let eventBridgeClient: EventBridgeClient | undefined;
let sfnClient: SFNClient | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function eventBridge(): EventBridgeClient {
  eventBridgeClient ??= tracer.captureAWSv3Client(new EventBridgeClient({}));
  return eventBridgeClient;
}

export function stepFunctions(): SFNClient {
  sfnClient ??= tracer.captureAWSv3Client(new SFNClient({}));
  return sfnClient;
}
