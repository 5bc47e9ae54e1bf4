/** A queue property changes behaviour in a way the local SQS cannot reproduce, so the queue is refused. */
export class UnsupportedQueuePropertyError extends Error {
  constructor(
    readonly queueName: string,
    readonly property: string,
    reason: string,
  ) {
    super(`Queue ${queueName}: property ${property} is not supported by the local cloud: ${reason}`);
    this.name = 'UnsupportedQueuePropertyError';
  }
}

/** The queue's properties are invalid or inconsistent (as AWS would reject them), or fauxqs refused them. */
export class QueueConfigurationError extends Error {
  constructor(
    readonly queueName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Queue ${queueName}: ${message}`, options);
    this.name = 'QueueConfigurationError';
  }
}

/** A queue named by ARN, URL or name does not exist in the local SQS. */
export class QueueNotFoundError extends Error {
  constructor(readonly reference: string) {
    super(`No local SQS queue matches ${reference}`);
    this.name = 'QueueNotFoundError';
  }
}

/** A redrive (or message move task) cannot run as asked. */
export class RedriveError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedriveError';
  }
}
