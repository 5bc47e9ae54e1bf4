/** The Step Functions client, created once per execution environment (see `dynamodb-client.ts` for why one module each). */
import { SFNClient } from '@aws-sdk/client-sfn';

let sfnClient: SFNClient | undefined;

export function stepFunctions(): SFNClient {
  sfnClient ??= new SFNClient({});
  return sfnClient;
}
