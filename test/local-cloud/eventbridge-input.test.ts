import { describe, expect, it } from 'vitest';
import { compileJsonPath, UnsupportedJsonPathError } from '../../local-cloud/eventbridge/json-path.js';
import {
  compileTargetInput,
  InvalidTargetConfigError,
  type RenderContext,
  TargetInputError,
} from '../../local-cloud/eventbridge/target-input.js';
import type { EventEnvelope, TargetConfig } from '../../local-cloud/eventbridge/types.js';

const event: EventEnvelope = {
  version: '0',
  id: 'e-1',
  'detail-type': 'OrderPlaced.v1',
  source: 'com.sagastack.checkout',
  account: '000000000000',
  time: '2024-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    orderId: 'o-1',
    total: 42.5,
    note: 'says "hi"\nbye',
    customer: { id: 'c-9', tier: 'Gold' },
    items: [{ sku: 'a-1' }, { sku: 'b-2' }],
  },
};

const context: RenderContext = {
  ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/bus/notify',
  ruleName: 'notify',
  ingestionTime: new Date('2024-01-01T00:00:05.123Z'),
};

function render(target: Partial<TargetConfig>): string {
  return compileTargetInput({ id: 't1', arn: 'arn:aws:sqs:us-east-1:000000000000:q', ...target })(event, context);
}

describe('target input: whole event, Input and InputPath', () => {
  it('sends the whole event when no input option is set', () => {
    // Act
    const input = render({});

    // Assess
    expect(JSON.parse(input)).toEqual(event);
  });

  it('sends a constant Input verbatim', () => {
    // Act
    const input = render({ input: '{"command":"rebuild"}' });

    // Assess
    expect(input).toBe('{"command":"rebuild"}');
  });

  it('sends the JSON of what InputPath selects, strings included', () => {
    // Act
    const results = [
      render({ inputPath: '$.detail.customer' }),
      render({ inputPath: '$.detail.orderId' }),
      render({ inputPath: '$' }),
    ];

    // Assess
    expect(results[0]).toBe('{"id":"c-9","tier":"Gold"}');
    expect(results[1]).toBe('"o-1"');
    expect(JSON.parse(results[2] ?? '')).toEqual(event);
  });

  it('InputPath supports indexes, dashed names and wildcards', () => {
    // Act
    const results = [
      render({ inputPath: '$.detail.items[1].sku' }),
      render({ inputPath: '$.detail-type' }),
      render({ inputPath: '$.detail.items[*].sku' }),
    ];

    // Assess
    expect(results).toEqual(['"b-2"', '"OrderPlaced.v1"', '["a-1","b-2"]']);
  });

  it('fails the delivery (not the boot) when InputPath selects nothing', () => {
    // Act
    const attempt = () => render({ inputPath: '$.detail.missing' });

    // Assess
    expect(attempt).toThrow(TargetInputError);
  });

  it('refuses JSONPath features EventBridge does not support, at boot', () => {
    // Act
    const recursive = () => compileJsonPath('$..sku');
    const filter = () => compileJsonPath('$.detail.items[?(@.sku)]');
    const relative = () => compileJsonPath('detail.sku');

    // Assess
    expect(recursive).toThrow(UnsupportedJsonPathError);
    expect(filter).toThrow(UnsupportedJsonPathError);
    expect(relative).toThrow(UnsupportedJsonPathError);
  });
});

describe('target input: InputTransformer', () => {
  it('inserts JSON values for unquoted placeholders of a JSON template', () => {
    // Prepare
    const inputTransformer = {
      inputPathsMap: { order: '$.detail.orderId', total: '$.detail.total', customer: '$.detail.customer' },
      inputTemplate: '{"orderId": <order>, "total": <total>, "customer": <customer>, "fixed": true}',
    };

    // Act
    const input = render({ inputTransformer });

    // Assess
    expect(JSON.parse(input)).toEqual({
      orderId: 'o-1',
      total: 42.5,
      customer: { id: 'c-9', tier: 'Gold' },
      fixed: true,
    });
  });

  it('inserts escaped raw text for placeholders inside quotes', () => {
    // Prepare
    const inputTransformer = {
      inputPathsMap: { order: '$.detail.orderId', note: '$.detail.note', total: '$.detail.total' },
      inputTemplate: '{"message": "Order <order> (<total>) says: <note>"}',
    };

    // Act
    const input = render({ inputTransformer });

    // Assess
    expect(JSON.parse(input)).toEqual({ message: 'Order o-1 (42.5) says: says "hi"\nbye' });
  });

  it('keeps a string template verbatim, quotes included, like AWS', () => {
    // Prepare
    const inputTransformer = {
      inputPathsMap: { type: '$.detail-type', order: '$.detail.orderId' },
      inputTemplate: '"Event of <type> for <order>"',
    };

    // Act
    const input = render({ inputTransformer });

    // Assess
    expect(input).toBe('"Event of OrderPlaced.v1 for o-1"');
  });

  it('inserts plain text unquoted in a text template', () => {
    // Prepare
    const inputTransformer = { inputPathsMap: { order: '$.detail.orderId' }, inputTemplate: 'order <order> placed' };

    // Act
    const input = render({ inputTransformer });

    // Assess
    expect(input).toBe('order o-1 placed');
  });

  it('turns a path that selects nothing into an empty string', () => {
    // Prepare
    const inputTransformer = {
      inputPathsMap: { missing: '$.detail.coupon' },
      inputTemplate: '{"coupon": <missing>, "text": "coupon=<missing>"}',
    };

    // Act
    const input = render({ inputTransformer });

    // Assess
    expect(JSON.parse(input)).toEqual({ coupon: '', text: 'coupon=' });
  });

  it('fills the predefined aws.events variables', () => {
    // Prepare
    const inputTransformer = {
      inputTemplate:
        '{"rule": <aws.events.rule-name>, "arn": "<aws.events.rule-arn>", "at": <aws.events.event.ingestion-time>, "event": <aws.events.event>, "full": <aws.events.event.json>}',
    };

    // Act
    const input = JSON.parse(render({ inputTransformer }));

    // Assess
    expect(input.rule).toBe('notify');
    expect(input.arn).toBe(context.ruleArn);
    expect(input.at).toBe('2024-01-01T00:00:05Z');
    expect(input.event).toEqual({
      version: '0',
      id: 'e-1',
      detailType: 'OrderPlaced.v1',
      source: 'com.sagastack.checkout',
      account: '000000000000',
      time: '2024-01-01T00:00:05Z',
      region: 'us-east-1',
      resources: [],
    });
    expect(input.full).toEqual(event);
  });

  it('rejects at boot a placeholder that is neither mapped nor predefined', () => {
    // Act
    const compile = () => render({ inputTransformer: { inputTemplate: '"<undefinedKey>"' } });

    // Assess
    expect(compile).toThrow(InvalidTargetConfigError);
    expect(compile).toThrow('InputTemplate for target t1 contains invalid placeholder undefinedKey.');
  });

  it('rejects reserved aws.* variable names, two input options, and non-JSON Input', () => {
    // Act
    const reserved = () =>
      render({ inputTransformer: { inputPathsMap: { 'aws.mine': '$.id' }, inputTemplate: '"<aws.mine>"' } });
    const both = () => render({ input: '{}', inputPath: '$.detail' });
    const notJson = () => render({ input: 'hello' });

    // Assess
    expect(reserved).toThrow(/reserved/);
    expect(both).toThrow('Only one of Input, InputPath, or InputTransformer must be provided for target t1.');
    expect(notJson).toThrow(/valid JSON/);
  });

  it('fails the delivery when a JSON template does not produce JSON', () => {
    // Prepare
    const inputTransformer = { inputPathsMap: { order: '$.detail.orderId' }, inputTemplate: '{"order": <order>' };

    // Act
    const attempt = () => render({ inputTransformer });

    // Assess
    expect(attempt).toThrow(TargetInputError);
  });
});
