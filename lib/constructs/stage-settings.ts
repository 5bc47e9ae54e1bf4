/**
 * What a stage decides for the constructs in it: how long logs live, whether data outlives a `cdk destroy`, and how
 * loudly functions log. Constructs receive it as a prop (stacks pass their stage's `StageConfig`, which extends it);
 * they never look it up.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export interface StageSettings {
  /** The stage's name, in each function's `STAGE` variable, e.g. `dev`. */
  readonly name: string;
  /** What happens to data (tables, queues, log groups) when a stack is deleted or a resource replaced. */
  readonly removalPolicy: RemovalPolicy;
  readonly pointInTimeRecovery: boolean;
  readonly deletionProtection: boolean;
  readonly logRetention: RetentionDays;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * Whether the stage offers what exists only to test the platform: the test flavors (`vm.test-fail`,
   * `vm.test-hang`) and the simulated gateway's fault tokens (`tok_chargeDeclined`, ...). Never on production.
   */
  readonly testBehaviour: boolean;
  /**
   * Whether the API stage sits behind a WAF web ACL (managed rule groups, a rate limit per client IP, a body size
   * limit: docs/adr/0030-edge-protection.md). It costs a monthly fee per stage and per rule, and requests.
   */
  readonly firewall: boolean;
}

/** Where no stage says otherwise, keep everything: a forgotten setting then costs money, never data. */
export const KEEP_EVERYTHING: StageSettings = {
  name: 'unnamed',
  removalPolicy: RemovalPolicy.RETAIN,
  pointInTimeRecovery: true,
  deletionProtection: true,
  logRetention: RetentionDays.THREE_MONTHS,
  logLevel: 'INFO',
  testBehaviour: false,
  firewall: true,
};
