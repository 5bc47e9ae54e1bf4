/**
 * Every SQS consumer can dead-letter what it refuses, with the reason (docs/adr/0031): it knows its own queue's DLQ
 * (`DEAD_LETTER_QUEUE_URL`) and may send to that DLQ, and encrypt with the key of that DLQ, but to no other queue.
 */
import { describe, expect, it } from 'vitest';
import { resourcesOf, synthesizeApp } from './support/synth.js';

const app = synthesizeApp();

/** `{ Ref: X }` or `{ 'Fn::GetAtt': [X, ...] }` → `X`. */
const logicalIdOf = (value: unknown): string | undefined => {
  const reference = value as { Ref?: string; 'Fn::GetAtt'?: string[] } | undefined;
  return reference?.Ref ?? reference?.['Fn::GetAtt']?.[0];
};
const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

interface Statement {
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

/** Every stack of every stage that has SQS consumers, with those consumers. */
const consumerTemplates = app
  .allTemplates()
  .map((entry) => ({
    ...entry,
    mappings: Object.values(resourcesOf(entry.template, 'AWS::Lambda::EventSourceMapping')),
  }))
  .filter(({ mappings }) => mappings.length > 0);

describe('dead-lettering with the reason', () => {
  it('the consumers are the six of the checkout, provisioning, audit and webhooks contexts, on every stage', () => {
    for (const stage of new Set(app.allTemplates().map((entry) => entry.stage))) {
      const ofStage = consumerTemplates.filter((entry) => entry.stage === stage);
      expect(ofStage.flatMap(({ mappings }) => mappings)).toHaveLength(6);
    }
  });

  it.each(consumerTemplates)(
    '$stage/$stack: each consumer may send to its own queue’s DLQ, and to no other DLQ',
    ({ template, mappings }) => {
      const queues = resourcesOf(template, 'AWS::SQS::Queue');
      const functions = resourcesOf(template, 'AWS::Lambda::Function');
      const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
      for (const mapping of mappings) {
        // Prepare
        const functionId = logicalIdOf(mapping.Properties?.FunctionName) ?? '';
        const sourceId = logicalIdOf(mapping.Properties?.EventSourceArn) ?? '';
        const dlqId = logicalIdOf(queues[sourceId]?.Properties?.RedrivePolicy?.deadLetterTargetArn) ?? '';
        const dlqKey = JSON.stringify(queues[dlqId]?.Properties?.KmsMasterKeyId);
        const role = logicalIdOf(functions[functionId]?.Properties?.Role);

        // Act
        const variables = functions[functionId]?.Properties?.Environment?.Variables ?? {};
        const statements = policies
          .filter((policy) => asList(policy.Properties?.Roles).some((attached) => logicalIdOf(attached) === role))
          .flatMap((policy) => asList<Statement>(policy.Properties?.PolicyDocument?.Statement));
        const sendsTo = statements
          .filter((statement) => asList(statement.Action).includes('sqs:SendMessage'))
          .flatMap((statement) => asList(statement.Resource).map(logicalIdOf));
        const onTheKey = statements
          .filter((statement) => asList(statement.Resource).some((resource) => JSON.stringify(resource) === dlqKey))
          .flatMap((statement) => asList(statement.Action));

        // A consumer may also feed a work queue of its context (the webhooks fan-out feeds the delivery queue), but no
        // queue that is some queue's DLQ: what it refuses goes to its own.
        const deadLetterQueues = new Set(
          Object.values(queues).map((queue) => logicalIdOf(queue.Properties?.RedrivePolicy?.deadLetterTargetArn)),
        );

        // Assess
        expect(dlqId).not.toBe('');
        expect(logicalIdOf(variables.DEAD_LETTER_QUEUE_URL)).toBe(dlqId);
        expect(sendsTo).toContain(dlqId);
        expect(sendsTo.filter((queue) => queue !== dlqId && deadLetterQueues.has(queue))).toEqual([]);
        expect(onTheKey).toEqual(expect.arrayContaining(['kms:GenerateDataKey*', 'kms:Decrypt']));
      }
    },
  );
});
