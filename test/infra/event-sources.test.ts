/**
 * Who may publish what: every `events:PutEvents` grant of every stage carries the `events:source` condition for its
 * context's own source, and every rule matches the source it trusts (docs/adr/0026).
 */
import { describe, expect, it } from 'vitest';
import { AUDIT_PUBLISHERS } from '../../shared/contracts/events/audit-events.js';
import { EVENT_SOURCES } from '../../shared/contracts/events/sources.js';
import { resourcesOf, synthesizeApp } from './support/synth.js';

const app = synthesizeApp();
const everyTemplate = app.allTemplates();

/** The sources each stack's grants may name; a stack not listed publishes nothing. */
const OWN_SOURCES: Readonly<Record<string, readonly string[]>> = {
  Checkout: [EVENT_SOURCES.checkout],
  Provisioning: [EVENT_SOURCES.provisioning],
  Audit: [EVENT_SOURCES.audit],
  Webhooks: [EVENT_SOURCES.webhooks],
  Identity: [EVENT_SOURCES.identity],
  // The authorizer audits the use of the identity context's tokens (docs/service-accounts.md).
  Api: [EVENT_SOURCES.identity],
};

interface Statement {
  Effect: string;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const actionsOf = (statement: Statement) => [statement.Action].flat();

function putEventsStatements(template: ReturnType<typeof app.template>): Statement[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap((policy) =>
    ((policy.Properties?.PolicyDocument.Statement ?? []) as Statement[]).filter((statement) =>
      actionsOf(statement).some((action) => action === 'events:PutEvents' || action === 'events:*'),
    ),
  );
}

describe('events:PutEvents grants', () => {
  it.each(everyTemplate)('$stage/$stack: each names its context’s own source, and only it', ({ stack, template }) => {
    // Prepare
    const own = OWN_SOURCES[stack];

    // Act
    const statements = putEventsStatements(template);

    // Assess
    if (!own) {
      expect(statements).toEqual([]);
      return;
    }
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(actionsOf(statement)).not.toContain('events:*');
      expect(statement.Condition).toEqual({
        'ForAllValues:StringEquals': { 'events:source': own },
        Null: { 'events:source': 'false' },
      });
    }
  });

  it('covers the sagas’ roles too: each state machine role may publish its context’s source only', () => {
    // Prepare
    const template = app.template('prod', 'Provisioning');
    const roles = Object.entries(resourcesOf(template, 'AWS::IAM::Role'))
      .filter(([, role]) => JSON.stringify(role.Properties?.AssumeRolePolicyDocument).includes('states.amazonaws.com'))
      .map(([logicalId]) => logicalId);

    // Act
    const sagaPutEvents = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((policy) => roles.some((role) => JSON.stringify(policy.Properties?.Roles).includes(role)))
      .flatMap((policy) => policy.Properties?.PolicyDocument.Statement as Statement[])
      .filter((statement) => actionsOf(statement).includes('events:PutEvents'));

    // Assess
    expect(roles.length).toBe(2);
    expect(sagaPutEvents).toHaveLength(2);
    for (const statement of sagaPutEvents) {
      expect(statement.Condition?.['ForAllValues:StringEquals']).toEqual({
        'events:source': [EVENT_SOURCES.provisioning],
      });
    }
  });
});

describe('rules', () => {
  it.each(everyTemplate)('$stage/$stack: each event rule matches the sources it trusts', ({ template }) => {
    // Prepare
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).filter(
      (rule) => rule.Properties?.EventPattern,
    );

    // Act
    const withoutSource = rules.filter((rule) => !Array.isArray(rule.Properties?.EventPattern.source));

    // Assess
    expect(withoutSource).toEqual([]);
  });

  it('routes audit events of the auditing contexts only, and customer notifications of checkout only', () => {
    // Prepare
    const patterns = (stack: 'Audit' | 'Checkout') =>
      Object.values(resourcesOf(app.template('prod', stack), 'AWS::Events::Rule')).map(
        (rule) => rule.Properties?.EventPattern,
      );

    // Act
    const audit = patterns('Audit').find((pattern) => pattern?.['detail-type']?.includes('AuditEvent.v1'));
    const notify = patterns('Checkout').find((pattern) => pattern?.['detail-type']?.includes('OrderPlaced.v1'));

    // Assess
    expect(audit?.source).toEqual([...AUDIT_PUBLISHERS]);
    expect(notify?.source).toEqual([EVENT_SOURCES.checkout]);
  });
});
