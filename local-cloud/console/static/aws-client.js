// @ts-check
/**
 * The console's only way to data: the AWS JSON protocols, as any SDK speaks them (POST to the endpoint with
 * `X-Amz-Target` and `Content-Type: application/x-amz-json-1.x`), so the console is a client of Step Functions, SQS and
 * EventBridge like any other and could point at another endpoint. Requests are unsigned: the local cloud serves
 * same-origin unsigned calls and its IAM guard only restricts callers that present a function's key
 * (local-cloud/iam/index.ts). AWS itself would want SigV4 signatures (not done here: the console is local-only).
 * Protocols: https://docs.aws.amazon.com/step-functions/latest/apireference/CommonParameters.html,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html
 */

/** @type {Record<string, { targetPrefix: string, contentType: string }>} */
const PROTOCOLS = {
  states: { targetPrefix: 'AWSStepFunctions', contentType: 'application/x-amz-json-1.0' },
  sqs: { targetPrefix: 'AmazonSQS', contentType: 'application/x-amz-json-1.0' },
  events: { targetPrefix: 'AWSEvents', contentType: 'application/x-amz-json-1.1' },
};

/** An error answer of an AWS API: its code (`__type` without the namespace) and message. */
class AwsApiError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {number} status
   */
  constructor(code, message, status) {
    super(`${code}: ${message}`);
    this.name = 'AwsApiError';
    this.code = code;
    this.status = status;
  }
}

/**
 * Calls `operation` of `service` at `endpoint` with `input`; answers the parsed JSON answer.
 * @param {string} endpoint
 * @param {'states' | 'sqs' | 'events'} service
 * @param {string} operation
 * @param {Record<string, unknown>} [input]
 * @returns {Promise<any>}
 */
async function callAws(endpoint, service, operation, input = {}) {
  const protocol = PROTOCOLS[service];
  if (!protocol) throw new Error(`No JSON protocol for ${service}`);
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'X-Amz-Target': `${protocol.targetPrefix}.${operation}`, 'Content-Type': protocol.contentType },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  const body = text.length > 0 ? JSON.parse(text) : {};
  if (!response.ok) {
    const code =
      String(body.__type ?? 'UnknownError')
        .split('#')
        .at(-1) ?? 'UnknownError';
    throw new AwsApiError(code, String(body.message ?? body.Message ?? text), response.status);
  }
  return body;
}

/** Step Functions, SQS and EventBridge at one endpoint (the page's own origin unless told otherwise). */
export class AwsClients {
  /** @param {string} endpoint */
  constructor(endpoint) {
    this.endpoint = endpoint;
  }
  /** @param {string} operation @param {Record<string, unknown>} [input] */
  states(operation, input) {
    return callAws(this.endpoint, 'states', operation, input);
  }
  /** @param {string} operation @param {Record<string, unknown>} [input] */
  sqs(operation, input) {
    return callAws(this.endpoint, 'sqs', operation, input);
  }
  /** @param {string} operation @param {Record<string, unknown>} [input] */
  events(operation, input) {
    return callAws(this.endpoint, 'events', operation, input);
  }
}
