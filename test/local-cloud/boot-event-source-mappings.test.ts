import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../lib/constructs/repository-root.js';
import { bootLocalCloud } from '../../local-cloud/boot.js';
import { synthesizeApp } from '../../local-cloud/config.js';
import { withChangedTemplate } from './assembly-copy.js';

let assemblyDirectory: string;
const copies: string[] = [];

beforeAll(async () => {
  ({ assemblyDirectory } = await synthesizeApp(repositoryRoot));
}, 180_000);

afterAll(() => {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
});

describe('SQS event source mappings at deployment', () => {
  it("refuses a queue whose visibility timeout is shorter than its consumer's timeout, as Lambda does", async () => {
    // Prepare: the notifications queue at 5 s under NotifyCustomer's 10 s (the template gives it six times that).
    const copy = withChangedTemplate(assemblyDirectory, 'Checkout', (resources) => {
      const [, queue] =
        Object.entries(resources).find(
          ([id, resource]) => resource.Type === 'AWS::SQS::Queue' && /^NotificationQueue(?!Dlq)/.test(id),
        ) ?? [];
      if (!queue) throw new Error('No NotificationQueue in the Checkout template');
      queue.Properties.VisibilityTimeout = 5;
    });
    copies.push(copy);

    // Act
    const refusal = await bootLocalCloud({ assemblyDirectory: copy, log: () => {}, functionLog: () => {} }).then(
      async (cloud) => {
        await cloud.stop();
        return undefined;
      },
      (error: Error) => error,
    );

    // Assess: Lambda's own words (InvalidParameterValueException at CreateEventSourceMapping).
    expect(refusal?.message).toMatch(
      /Event source mapping of .*NotifyCustomerFn.*: Queue visibility timeout: 5 seconds is less than Function timeout: 10 seconds/,
    );
  }, 120_000);

  it('judges the template’s timeout, not the one a test scales down', async () => {
    // Act: 60 s scaled to 2 s, under a 10 s function timeout.
    const cloud = await bootLocalCloud({
      assemblyDirectory,
      queueVisibilityTimeoutScale: 0.03,
      log: () => {},
      functionLog: () => {},
    });
    const scaled = await cloud.services.sqs.call('GetQueueAttributes', {
      QueueUrl: cloud.output('NotificationsQueueUrl'),
      AttributeNames: ['VisibilityTimeout'],
    });
    await cloud.stop();

    // Assess
    expect(scaled.Attributes).toEqual({ VisibilityTimeout: '2' });
  }, 120_000);
});
