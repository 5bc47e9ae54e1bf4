import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, FaultInjector, parseFaultRates, sagaScopeOf } from '../../local-cloud/faults/fault-plan.js';

/** Which of `count` successive calls named `key` get `lambda.failAfterHandler`. */
function pattern(injector: FaultInjector, key: string, count: number): boolean[] {
  return Array.from({ length: count }, () => injector.shouldInject('lambda.failAfterHandler', key));
}

describe('fault plan', () => {
  it('gives the same decisions for the same seed and calls, and others for another seed', () => {
    // Prepare
    const plan = { seed: 'seed-1', rates: { 'lambda.failAfterHandler': 0.5 } };

    // Act
    const first = pattern(new FaultInjector(plan), 'PriceCartFn|corr-1', 64);
    const again = pattern(new FaultInjector(plan), 'PriceCartFn|corr-1', 64);
    const otherSeed = pattern(new FaultInjector({ ...plan, seed: 'seed-2' }), 'PriceCartFn|corr-1', 64);

    // Assess
    expect(again).toEqual(first);
    expect(otherSeed).not.toEqual(first);
    expect(first.filter(Boolean).length).toBeGreaterThan(16);
    expect(first.filter(Boolean).length).toBeLessThan(48);
  });

  it("decides a saga's calls the same whichever other sagas' calls come between them", () => {
    // Prepare
    const plan = { seed: 'interleaving', rates: { 'lambda.failAfterHandler': 0.3 } };
    const alone = new FaultInjector(plan);
    const interleaved = new FaultInjector(plan);

    // Act
    const sagaAlone = pattern(alone, 'StepFn|saga-a', 20);
    const sagaInterleaved: boolean[] = [];
    for (let call = 0; call < 20; call++) {
      pattern(interleaved, `StepFn|saga-${call % 3 === 0 ? 'b' : 'c'}`, 2);
      sagaInterleaved.push(interleaved.shouldInject('lambda.failAfterHandler', 'StepFn|saga-a'));
    }

    // Assess
    expect(sagaInterleaved).toEqual(sagaAlone);
  });

  it('never injects at rate 0 or an absent kind, always at rate 1, and counts what it injected', () => {
    // Prepare
    const injector = new FaultInjector({
      seed: 's',
      rates: { 'lambda.throttle': 1, 'lambda.failBeforeHandler': 0 },
    });

    // Act
    const throttled = Array.from({ length: 10 }, (_, call) => injector.shouldInject('lambda.throttle', `k${call}`));
    const failedBefore = Array.from({ length: 10 }, () => injector.shouldInject('lambda.failBeforeHandler', 'k'));
    const timedOut = Array.from({ length: 10 }, () => injector.shouldInject('lambda.timeoutAfterHandler', 'k'));

    // Assess
    expect(throttled.every(Boolean)).toBe(true);
    expect(failedBefore.some(Boolean)).toBe(false);
    expect(timedOut.some(Boolean)).toBe(false);
    expect(injector.counts()).toEqual({ 'lambda.throttle': 10 });
    expect(injector.injected()[3]).toEqual({ kind: 'lambda.throttle', key: 'k3', occurrence: 0 });
  });

  it('reads kind=rate lists, all=rate for every kind, and refuses unknown kinds and rates outside 0..1', () => {
    expect(parseFaultRates('lambda.throttle=0.05, lambda.failAfterHandler=0.1')).toEqual({
      'lambda.throttle': 0.05,
      'lambda.failAfterHandler': 0.1,
    });
    expect(Object.keys(parseFaultRates('all=0.05'))).toEqual(Object.keys(FAULT_KINDS));
    expect(() => parseFaultRates('lambda.explode=0.1')).toThrow(/Unknown fault kind 'lambda.explode'/);
    expect(() => parseFaultRates('lambda.throttle=1.5')).toThrow(/from 0 to 1/);
    expect(() => parseFaultRates('lambda.throttle')).toThrow(/kind=rate/);
    expect(() => new FaultInjector({ seed: 's', rates: { 'lambda.throttle': -1 } })).toThrow(/from 0 to 1/);
  });

  it("finds a payload's saga by its correlation ID, wherever it sits", () => {
    expect(sagaScopeOf('{"checkoutId":"c1","correlationId":"corr-42","cart":{}}')).toBe('corr-42');
    expect(sagaScopeOf('{"detail":{"metadata":{"correlationId": "corr-7"}}}')).toBe('corr-7');
    expect(sagaScopeOf('{"path":"/health/live"}')).toBeUndefined();
    // An SQS record's body is a JSON string inside the event: its quotes come escaped.
    expect(sagaScopeOf(JSON.stringify({ Records: [{ body: '{"correlationId":"corr-9"}' }] }))).toBe('corr-9');
    expect(sagaScopeOf('{"headers":{"x-correlation-id":"client-1"},"body":"{}"}')).toBe('client-1');
  });

  it('injects a target into the first matching calls of its saga only, whatever the rates', () => {
    // Prepare
    const injector = new FaultInjector({
      seed: 's',
      rates: {},
      targets: [
        { kind: 'lambda.failAfterHandler', saga: 'matrix-1', where: 'CreateOrderFn' },
        { kind: 'lambda.throttle', saga: 'matrix-2', times: 2 },
      ],
    });

    // Act
    const decisions = [
      injector.shouldInject('lambda.failAfterHandler', 'CreateOrderFnAB12|matrix-1'),
      injector.shouldInject('lambda.failAfterHandler', 'CreateOrderFnAB12|matrix-1'),
      injector.shouldInject('lambda.failAfterHandler', 'PriceCartFnCD34|matrix-1'),
      injector.shouldInject('lambda.failAfterHandler', 'CreateOrderFnAB12|matrix-10'),
      injector.shouldInject('lambda.throttle', 'PriceCartFnCD34|matrix-2'),
      injector.shouldInject('lambda.throttle', 'ReserveInventoryFnEF56|matrix-2'),
      injector.shouldInject('lambda.throttle', 'ProcessPaymentFn0123|matrix-2'),
    ];

    // Assess
    expect(decisions).toEqual([true, false, false, false, true, true, false]);
    expect(injector.counts()).toEqual({ 'lambda.failAfterHandler': 1, 'lambda.throttle': 2 });
  });
});
