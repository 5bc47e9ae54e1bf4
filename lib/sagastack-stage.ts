import { RemovalPolicy, Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from './config/stages.js';
import { ApiStack } from './stacks/api-stack.js';
import { AuditStack } from './stacks/audit-stack.js';
import { CheckoutStack } from './stacks/checkout-stack.js';
import { ObservabilityStack } from './stacks/observability-stack.js';
import { PlatformStack } from './stacks/platform-stack.js';
import { ProvisioningStack } from './stacks/provisioning-stack.js';

export interface SagastackStageProps extends StageProps {
  /** The stage's typed configuration from `lib/config/stages.ts`. */
  readonly config: StageConfig;
}

/**
 * One deployable copy of sagastack. Stateful shared resources (bus, keys, idempotency) live in the platform stack,
 * which the other stacks receive as typed props, never as names.
 */
export class SagastackStage extends Stage {
  readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: SagastackStageProps) {
    super(scope, id, { ...props, env: { account: props.config.account, region: props.config.region } });
    this.config = props.config;

    // Stacks holding data refuse `cdk destroy` wherever the stage retains data.
    const terminationProtection = props.config.removalPolicy === RemovalPolicy.RETAIN;
    const common = { config: props.config, terminationProtection };
    const platform = new PlatformStack(this, 'Platform', common);
    const checkout = new CheckoutStack(this, 'Checkout', { ...common, platform });
    const provisioning = new ProvisioningStack(this, 'Provisioning', { ...common, platform });
    const audit = new AuditStack(this, 'Audit', { ...common, platform });
    const api = new ApiStack(this, 'Api', { ...common, platform, checkout, provisioning, audit });
    new ObservabilityStack(this, 'Observability', { ...common, platform, checkout, api });
  }
}
