import type { LocalSqs, QueueProps } from '../../sqs/index.js';
import type { Provisioner } from '../stack-deployer.js';

export function sqsProvisioners(sqs: LocalSqs): Readonly<Record<string, Provisioner>> {
  return {
    'AWS::SQS::Queue': {
      // The local SQS validates each property itself and refuses the ones it cannot emulate.
      supported: [
        'QueueName',
        'FifoQueue',
        'ContentBasedDeduplication',
        'DelaySeconds',
        'MaximumMessageSize',
        'MessageRetentionPeriod',
        'ReceiveMessageWaitTimeSeconds',
        'VisibilityTimeout',
        'RedrivePolicy',
        'RedriveAllowPolicy',
        'KmsMasterKeyId',
        'KmsDataKeyReusePeriodSeconds',
        'SqsManagedSseEnabled',
        'Tags',
        'DeduplicationScope',
        'FifoThroughputLimit',
      ],
      provision: async (resource) => {
        const fifo = resource.properties.FifoQueue === true;
        const name = String(
          resource.properties.QueueName ?? `${resource.generatedName(fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`,
        );
        const { url, arn } = await sqs.createQueue(name, resource.properties as QueueProps);
        return { ref: url, attributes: { Arn: arn, QueueName: name, QueueUrl: url } };
      },
    },
  };
}
