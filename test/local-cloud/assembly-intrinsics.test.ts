// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings carry CloudFormation ${...} placeholders
import { describe, expect, it } from 'vitest';
import {
  evaluateConditions,
  type ResolutionContext,
  referencedLogicalIds,
  resolve,
  UnsupportedIntrinsicError,
} from '../../local-cloud/assembly/intrinsics.js';

const QUEUE_URL = 'http://127.0.0.1:4566/000000000000/orders';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:orders';

/** A deployment in progress: one queue deployed, one parameter, one export, two evaluated conditions. */
function deploymentContext(overrides: Partial<ResolutionContext> = {}): ResolutionContext {
  const refs: Record<string, string> = { Queue: QUEUE_URL, Environment: 'staging' };
  const attributes: Record<string, Record<string, unknown>> = {
    Queue: { Arn: QUEUE_ARN, QueueName: 'orders' },
    Database: { 'Endpoint.Address': 'db.local', 'Endpoint.Port': 5432 },
  };
  const exported: Record<string, string> = { 'Local-Platform:BusArn': 'arn:aws:events:us-east-1:000000000000:bus' };
  const conditions: Record<string, boolean> = { IsProduction: false, HasAlarms: true };
  return {
    stackName: 'Local-Checkout',
    accountId: '000000000000',
    region: 'us-east-1',
    ref: (logicalId) => refs[logicalId],
    getAtt: (logicalId, attribute) => attributes[logicalId]?.[attribute],
    importValue: (name) => exported[name],
    condition: (name) => {
      const value = conditions[name];
      if (value === undefined) throw new Error(`unknown condition ${name}`);
      return value;
    },
    ...overrides,
  };
}

describe('resolve: Ref', () => {
  it('resolves a resource and a parameter through the context', () => {
    // Act
    const resolved = resolve({ Url: { Ref: 'Queue' }, Stage: { Ref: 'Environment' } }, deploymentContext());

    // Assess
    expect(resolved).toEqual({ Url: QUEUE_URL, Stage: 'staging' });
  });

  it('resolves every pseudo parameter from the stack, account and region', () => {
    // Prepare
    const names = ['AccountId', 'Region', 'Partition', 'URLSuffix', 'StackName', 'StackId'];

    // Act
    const resolved = resolve(
      names.map((name) => ({ Ref: `AWS::${name}` })),
      deploymentContext(),
    );

    // Assess
    expect(resolved).toEqual([
      '000000000000',
      'us-east-1',
      'aws',
      'amazonaws.com',
      'Local-Checkout',
      'arn:aws:cloudformation:us-east-1:000000000000:stack/Local-Checkout/local',
    ]);
  });

  it('refuses a reference to an unknown logical id, naming the stack and the property path', () => {
    // Act
    const attempt = () => resolve({ Environment: { Variables: { URL: { Ref: 'Missing' } } } }, deploymentContext());

    // Assess
    expect(attempt).toThrow(UnsupportedIntrinsicError);
    expect(attempt).toThrow('Local-Checkout Environment.Variables.URL: Ref refers to unknown Missing');
  });

  it('refuses AWS::NotificationARNs, which has no local meaning', () => {
    // Act
    const attempt = () => resolve({ Ref: 'AWS::NotificationARNs' }, deploymentContext());

    // Assess
    expect(attempt).toThrow(/AWS::NotificationARNs is not supported/);
  });
});

describe('resolve: Fn::GetAtt', () => {
  it('reads an attribute given as [logicalId, attribute]', () => {
    // Act
    const resolved = resolve({ 'Fn::GetAtt': ['Queue', 'Arn'] }, deploymentContext());

    // Assess
    expect(resolved).toBe(QUEUE_ARN);
  });

  it('reads an attribute given as "logicalId.attribute", keeping dots of nested attributes', () => {
    // Act
    const resolved = resolve(
      [{ 'Fn::GetAtt': 'Queue.QueueName' }, { 'Fn::GetAtt': 'Database.Endpoint.Address' }],
      deploymentContext(),
    );

    // Assess
    expect(resolved).toEqual(['orders', 'db.local']);
  });

  it('refuses an attribute the resource does not have', () => {
    // Act
    const attempt = () => resolve({ Arn: { 'Fn::GetAtt': ['Queue', 'StreamArn'] } }, deploymentContext());

    // Assess
    expect(attempt).toThrow(/Arn: Fn::GetAtt Queue\.StreamArn is not known/);
  });

  it('refuses an argument that names no attribute', () => {
    // Act
    const attempt = () => resolve({ 'Fn::GetAtt': 'Queue' }, deploymentContext());

    // Assess
    expect(attempt).toThrow(/takes \[logicalId, attribute\]/);
  });
});

describe('resolve: string functions', () => {
  it('joins resolved items, numbers included', () => {
    // Act
    const resolved = resolve(
      { 'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, { 'Fn::GetAtt': ['Database', 'Endpoint.Port'] }]] },
      deploymentContext(),
    );

    // Assess
    expect(resolved).toBe('arn:aws:5432');
  });

  it('substitutes pseudo parameters, Refs and attributes in a plain Fn::Sub', () => {
    // Act
    const resolved = resolve(
      { 'Fn::Sub': '${AWS::StackName}/${Environment}/${Queue.Arn}/${AWS::Region}' },
      deploymentContext(),
    );

    // Assess
    expect(resolved).toBe(`Local-Checkout/staging/${QUEUE_ARN}/us-east-1`);
  });

  it('substitutes variables, resolving their own intrinsics first and preferring them to logical ids', () => {
    // Act
    const resolved = resolve(
      {
        'Fn::Sub': [
          'https://${Host}/${Queue}?account=${AWS::AccountId}',
          { Host: { 'Fn::GetAtt': ['Database', 'Endpoint.Address'] }, Queue: 'overridden' },
        ],
      },
      deploymentContext(),
    );

    // Assess
    expect(resolved).toBe('https://db.local/overridden?account=000000000000');
  });

  it('keeps ${!Literal} as the literal ${Literal}', () => {
    // Act
    const resolved = resolve({ 'Fn::Sub': '$.detail.${!orderId} in ${Environment}' }, deploymentContext());

    // Assess
    expect(resolved).toBe('$.detail.${orderId} in staging');
  });

  it('refuses a substitution it cannot resolve, and AWS::NoValue inside a string', () => {
    // Act
    const unknown = () => resolve({ 'Fn::Sub': 'x-${Nowhere}' }, deploymentContext());
    const noValue = () => resolve({ 'Fn::Sub': 'x-${AWS::NoValue}' }, deploymentContext());
    const unknownAttribute = () => resolve({ 'Fn::Sub': '${Queue.Missing}' }, deploymentContext());

    // Assess
    expect(unknown).toThrow(/\$\{Nowhere\} is not known/);
    expect(noValue).toThrow(/\$\{AWS::NoValue\} cannot be substituted/);
    expect(unknownAttribute).toThrow(/\$\{Queue\.Missing\} is not known/);
  });

  it('splits a string, and selects from the result', () => {
    // Act
    const split = resolve({ 'Fn::Split': [':', { 'Fn::GetAtt': ['Queue', 'Arn'] }] }, deploymentContext());
    const selected = resolve(
      { 'Fn::Select': [5, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Queue', 'Arn'] }] }] },
      deploymentContext(),
    );

    // Assess
    expect(split).toEqual(['arn', 'aws', 'sqs', 'us-east-1', '000000000000', 'orders']);
    expect(selected).toBe('orders');
  });

  it('selects with an index given as a string', () => {
    // Act
    const selected = resolve({ 'Fn::Select': ['1', ['a', { Ref: 'Environment' }, 'c']] }, deploymentContext());

    // Assess
    expect(selected).toBe('staging');
  });

  it('refuses an index out of range instead of returning undefined', () => {
    // Act
    const beyond = () => resolve({ 'Fn::Select': [3, ['a', 'b', 'c']] }, deploymentContext());
    const negative = () => resolve({ 'Fn::Select': [-1, ['a']] }, deploymentContext());

    // Assess
    expect(beyond).toThrow(/Fn::Select index 3 is out of range/);
    expect(negative).toThrow(/Fn::Select index -1 is out of range/);
  });

  it('encodes Fn::Base64 from its resolved string', () => {
    // Act
    const resolved = resolve({ 'Fn::Base64': { 'Fn::Sub': '#!/bin/sh\necho ${Environment}' } }, deploymentContext());

    // Assess
    expect(Buffer.from(String(resolved), 'base64').toString('utf8')).toBe('#!/bin/sh\necho staging');
  });

  it('serializes Fn::ToJsonString after resolving what it contains', () => {
    // Act
    const resolved = resolve(
      {
        'Fn::ToJsonString': {
          queue: { 'Fn::GetAtt': ['Queue', 'Arn'] },
          retries: 3,
          optional: { Ref: 'AWS::NoValue' },
        },
      },
      deploymentContext(),
    );

    // Assess
    expect(JSON.parse(String(resolved))).toEqual({ queue: QUEUE_ARN, retries: 3 });
  });

  it('refuses a non-string where a string is required', () => {
    // Act
    const attempt = () => resolve({ 'Fn::Join': ['', [{ a: 1 }]] }, deploymentContext());

    // Assess
    expect(attempt).toThrow(/Fn::Join expected a string, got \{"a":1\}/);
  });
});

describe('resolve: conditions, imports, availability zones and no value', () => {
  it('picks the Fn::If branch of the evaluated condition', () => {
    // Act
    const resolved = resolve(
      {
        Retention: { 'Fn::If': ['IsProduction', 30, 1] },
        Alarms: { 'Fn::If': ['HasAlarms', { Ref: 'Queue' }, 'none'] },
        Production: { Condition: 'IsProduction' },
      },
      deploymentContext(),
    );

    // Assess
    expect(resolved).toEqual({ Retention: 1, Alarms: QUEUE_URL, Production: false });
  });

  it('removes a property and a list item set to AWS::NoValue', () => {
    // Act
    const resolved = resolve(
      {
        KmsKey: { 'Fn::If': ['IsProduction', 'key', { Ref: 'AWS::NoValue' }] },
        Name: 'orders',
        Actions: ['sqs:SendMessage', { 'Fn::If': ['IsProduction', 'kms:Decrypt', { Ref: 'AWS::NoValue' }] }],
        Plain: { Ref: 'AWS::NoValue' },
      },
      deploymentContext(),
    );

    // Assess
    expect(resolved).toEqual({ Name: 'orders', Actions: ['sqs:SendMessage'] });
    expect(Object.keys(resolved as object)).not.toContain('KmsKey');
  });

  it('resolves a value that is AWS::NoValue as undefined', () => {
    // Act
    const resolved = resolve({ Ref: 'AWS::NoValue' }, deploymentContext());

    // Assess
    expect(resolved).toBeUndefined();
  });

  it('imports a known export, its name built by another intrinsic', () => {
    // Act
    const joined = resolve(
      { 'Fn::ImportValue': { 'Fn::Join': [':', ['Local-Platform', 'BusArn']] } },
      deploymentContext(),
    );
    const substituted = resolve(
      { 'Fn::ImportValue': { 'Fn::Sub': ['Local-Platform:${Name}', { Name: 'BusArn' }] } },
      deploymentContext(),
    );

    // Assess
    expect(joined).toBe('arn:aws:events:us-east-1:000000000000:bus');
    expect(substituted).toBe('arn:aws:events:us-east-1:000000000000:bus');
  });

  it('refuses an unknown export', () => {
    // Act
    const attempt = () => resolve({ 'Fn::ImportValue': 'Local-Platform:Nothing' }, deploymentContext());

    // Assess
    expect(attempt).toThrow(/Fn::ImportValue names unknown export Local-Platform:Nothing/);
  });

  it('lists three availability zones of the stack region', () => {
    // Act
    const zones = resolve({ 'Fn::GetAZs': '' }, deploymentContext({ region: 'eu-west-1' }));
    const first = resolve({ 'Fn::Select': [0, { 'Fn::GetAZs': { Ref: 'AWS::Region' } }] }, deploymentContext());

    // Assess
    expect(zones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(first).toBe('us-east-1a');
  });

  it('refuses an intrinsic it does not support, naming it and where it is', () => {
    // Act
    const transform = () =>
      resolve({ Code: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: {} } } }, deploymentContext());
    const findInMap = () => resolve({ Size: { 'Fn::FindInMap': ['Sizes', 'prod', 'memory'] } }, deploymentContext());

    // Assess
    expect(transform).toThrow(UnsupportedIntrinsicError);
    expect(transform).toThrow('Local-Checkout Code: Fn::Transform is not supported by the local cloud');
    expect(findInMap).toThrow('Local-Checkout Size: Fn::FindInMap is not supported by the local cloud');
  });

  it('leaves objects with several keys and plain values alone', () => {
    // Prepare
    const value = { Ref: 'Queue', Other: 1, Nested: [true, null, 2.5] };

    // Act
    const resolved = resolve(value, deploymentContext());

    // Assess
    expect(resolved).toEqual(value);
  });
});

describe('evaluateConditions', () => {
  const { condition: _condition, ...context } = deploymentContext();

  it('evaluates Fn::Equals on parameters and pseudo parameters', () => {
    // Act
    const conditions = evaluateConditions(
      {
        IsStaging: { 'Fn::Equals': [{ Ref: 'Environment' }, 'staging'] },
        IsEurope: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] },
      },
      context,
    );

    // Assess
    expect(Object.fromEntries(conditions)).toEqual({ IsStaging: true, IsEurope: false });
  });

  it('combines with Fn::And, Fn::Or, Fn::Not and Condition, in any declaration order', () => {
    // Act
    const conditions = evaluateConditions(
      {
        Both: { 'Fn::And': [{ Condition: 'IsStaging' }, { 'Fn::Not': [{ Condition: 'IsEurope' }] }] },
        Either: { 'Fn::Or': [{ Condition: 'IsEurope' }, { Condition: 'IsStaging' }] },
        Neither: { 'Fn::Or': [{ Condition: 'IsEurope' }, { 'Fn::Not': [{ Condition: 'IsStaging' }] }] },
        NotBoth: { 'Fn::Not': [{ 'Fn::And': [{ Condition: 'IsStaging' }, { Condition: 'IsEurope' }] }] },
        IsStaging: { 'Fn::Equals': [{ Ref: 'Environment' }, 'staging'] },
        IsEurope: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] },
      },
      context,
    );

    // Assess
    expect(Object.fromEntries(conditions)).toEqual({
      Both: true,
      Either: true,
      Neither: false,
      NotBoth: true,
      IsStaging: true,
      IsEurope: false,
    });
  });

  it('evaluates Fn::If inside Fn::Equals against the other conditions', () => {
    // Act
    const conditions = evaluateConditions(
      {
        IsStaging: { 'Fn::Equals': [{ Ref: 'Environment' }, 'staging'] },
        SmallQueue: { 'Fn::Equals': [{ 'Fn::If': ['IsStaging', 'small', 'large'] }, 'small'] },
      },
      context,
    );

    // Assess
    expect(conditions.get('SmallQueue')).toBe(true);
  });

  it('refuses a condition that refers to itself, directly or through another', () => {
    // Act
    const direct = () => evaluateConditions({ Loop: { 'Fn::Not': [{ Condition: 'Loop' }] } }, context);
    const indirect = () =>
      evaluateConditions({ A: { 'Fn::And': [{ Condition: 'B' }, true] }, B: { Condition: 'A' } }, context);

    // Assess
    expect(direct).toThrow(UnsupportedIntrinsicError);
    expect(direct).toThrow('Condition Loop refers to itself');
    expect(indirect).toThrow(/Condition A refers to itself/);
  });

  it('refuses an undefined condition and an unsupported operator', () => {
    // Act
    const undefinedCondition = () => evaluateConditions({ A: { Condition: 'Missing' } }, context);
    const contains = () => evaluateConditions({ A: { 'Fn::Contains': [['a'], 'a'] } }, context);

    // Assess
    expect(undefinedCondition).toThrow('Condition Missing is not defined');
    expect(contains).toThrow('Condition operator Fn::Contains is not supported');
  });
});

describe('referencedLogicalIds', () => {
  it('finds Refs and both forms of Fn::GetAtt, but not pseudo parameters', () => {
    // Act
    const found = referencedLogicalIds({
      Queue: { Ref: 'Queue' },
      Region: { Ref: 'AWS::Region' },
      Targets: [{ Arn: { 'Fn::GetAtt': ['Function', 'Arn'] } }, { Arn: { 'Fn::GetAtt': 'Bus.Arn' } }],
    });

    // Assess
    expect([...found].sort()).toEqual(['Bus', 'Function', 'Queue']);
  });

  it('finds names used in Fn::Sub, skipping pseudo parameters and ${!Literal}', () => {
    // Act
    const found = referencedLogicalIds({
      'Fn::Sub': '${Table}/${Function.Arn}/${AWS::AccountId}/${!NotAResource}',
    });

    // Assess
    expect([...found].sort()).toEqual(['Function', 'Table']);
  });

  it('finds references in Fn::Sub variables, but not the variable names themselves', () => {
    // Act
    const found = referencedLogicalIds({
      'Fn::Sub': ['${Endpoint}/${Table}', { Endpoint: { 'Fn::GetAtt': ['Api', 'Url'] } }],
    });

    // Assess
    expect([...found].sort()).toEqual(['Api', 'Table']);
  });
});
