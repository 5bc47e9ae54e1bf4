/**
 * The webhooks context as synthesized: who may seal and open signing secrets, how deliveries are queued, retried and
 * dead-lettered, and what each stage allows (plain HTTP to loopback on the local stage only).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { tuning } from '../../lib/config/tuning.js';
import { resourcesOf, synthesizeApp } from './support/synth.js';

const app = synthesizeApp();
const local = app.template('local', 'Webhooks');
const prod = app.template('prod', 'Webhooks');

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
}

/** Description of the function → the KMS actions its role holds on any key. */
function kmsActionsByFunction(template: typeof local): Record<string, string[]> {
  const functions = resourcesOf(template, 'AWS::Lambda::Function');
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
  const byFunction: Record<string, string[]> = {};
  for (const fn of Object.values(functions)) {
    const role = fn.Properties?.Role?.['Fn::GetAtt']?.[0];
    const statements = policies
      .filter((policy) => ((policy.Properties?.Roles ?? []) as Array<{ Ref: string }>).some((ref) => ref.Ref === role))
      .flatMap((policy) => policy.Properties?.PolicyDocument.Statement as Statement[]);
    const secretKeyActions = statements
      .filter((statement) => JSON.stringify(statement.Resource).includes('WebhookSecretKey'))
      .flatMap((statement) => [statement.Action].flat());
    byFunction[String(fn.Properties?.Description)] = [...new Set(secretKeyActions)].sort();
  }
  return byFunction;
}

function variablesOf(template: typeof local, description: string): Record<string, string> {
  const fn = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).find((resource) =>
    String(resource.Properties?.Description).startsWith(description),
  );
  if (!fn) throw new Error(`No function ${description}`);
  return fn.Properties?.Environment?.Variables ?? {};
}

describe('webhooks stack', () => {
  it('has a KMS key of its own, rotated, for the signing secrets', () => {
    // Assess
    local.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      Description: Match.stringLikeRegexp('webhook signing secrets'),
    });
  });

  it('lets registration and rotation encrypt with it, the deliverer alone decrypt, and nobody else touch it', () => {
    // Act
    const actions = kmsActionsByFunction(local);

    // Assess
    const holders = Object.entries(actions).filter(([, granted]) => granted.length > 0);
    expect(Object.fromEntries(holders)).toEqual({
      'POST /webhooks': ['kms:Encrypt'],
      'POST /webhooks/{webhookId}/secret': ['kms:Encrypt'],
      'Signs and POSTs one webhook delivery; backs off and retries, then dead-letters': ['kms:Decrypt'],
    });
  });

  it('feeds the deliverer one message at a time, with a DLQ behind a receive count above the attempts', () => {
    // Assess
    local.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: tuning.webhooks.maxConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    local.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { maxReceiveCount: tuning.webhooks.maxReceiveCount },
    });
    expect(tuning.webhooks.maxReceiveCount).toBeGreaterThan(tuning.webhooks.retrySchedule.maxAttempts);
  });

  it('routes orders placed and refunds from checkout, and resources provisioned from provisioning, to the fan-out', () => {
    // Act
    const patterns = Object.values(resourcesOf(local, 'AWS::Events::Rule')).map(
      (rule) => rule.Properties?.EventPattern,
    );

    // Assess
    expect(patterns).toEqual(
      expect.arrayContaining([
        { source: ['sagastack.checkout'], 'detail-type': ['OrderPlaced.v1', 'RefundIssued.v1'] },
        { source: ['sagastack.provisioning'], 'detail-type': ['ResourceProvisioned.v1'] },
      ]),
    );
  });

  it('allows plain HTTP to loopback and retries within seconds on the local stage only', () => {
    // Act
    const localSettings = variablesOf(local, 'Signs and POSTs');
    const prodSettings = variablesOf(prod, 'Signs and POSTs');

    // Assess
    expect(localSettings.WEBHOOK_LOOPBACK_HTTP).toBe('on');
    expect(JSON.parse(localSettings.WEBHOOK_RETRY_SCHEDULE ?? '{}').maxDelaySeconds).toBeLessThanOrEqual(5);
    expect(prodSettings.WEBHOOK_LOOPBACK_HTTP).toBe('off');
    expect(JSON.parse(prodSettings.WEBHOOK_RETRY_SCHEDULE ?? '{}')).toEqual(tuning.webhooks.retrySchedule);
    expect(variablesOf(prod, 'POST /webhooks').WEBHOOK_LOOPBACK_HTTP).toBe('off');
  });

  it('alarms on each of its dead-letter queues', () => {
    // Act
    const alarms = Object.values(resourcesOf(local, 'AWS::CloudWatch::Alarm'));

    // Assess: the delivery DLQ, the fan-out DLQ and the rule targets' DLQ.
    expect(alarms.length).toBeGreaterThanOrEqual(3);
    for (const alarm of alarms) expect(alarm.Properties?.AlarmActions).toHaveLength(1);
  });
});
