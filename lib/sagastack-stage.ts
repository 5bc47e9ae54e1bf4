import { RemovalPolicy, Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from './config/stages.js';
import { ApiStack } from './stacks/api-stack.js';
import { AuditStack } from './stacks/audit-stack.js';
import { CheckoutStack } from './stacks/checkout-stack.js';
import { IdentityStack } from './stacks/identity-stack.js';
import { ObservabilityStack } from './stacks/observability-stack.js';
import { PlatformStack } from './stacks/platform-stack.js';
import { ProvisioningStack } from './stacks/provisioning-stack.js';
import { WebhooksStack } from './stacks/webhooks-stack.js';

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
    const { config } = props;
    const platform = new PlatformStack(this, 'Platform', { config, terminationProtection });
    // Bounded contexts receive the stage's settings and the platform's shared resources, nothing else.
    const context = { stage: config, platform, terminationProtection };
    // Service accounts: their tokens name the stage's platform issuer and the API's audience.
    const identity = new IdentityStack(this, 'Identity', {
      ...context,
      tokenIssuer: config.platformTokenIssuer,
      tokenAudience: config.jwt.audience,
    });
    const checkout = new CheckoutStack(this, 'Checkout', {
      ...context,
      tokenTrust: config.jwt,
      // Agents present a service account's token, verified with the identity stack's key (ADR 0038 §8).
      agentTokens: {
        issuer: config.platformTokenIssuer,
        audience: config.jwt.audience,
        signingKey: identity.signingKey,
      },
    });
    const provisioning = new ProvisioningStack(this, 'Provisioning', context);
    const audit = new AuditStack(this, 'Audit', context);
    const webhooks = new WebhooksStack(this, 'Webhooks', { ...context, delivery: config.webhooks });
    const api = new ApiStack(this, 'Api', {
      config,
      terminationProtection,
      handlers: [
        checkout.apiHandlers,
        provisioning.apiHandlers,
        audit.apiHandlers,
        identity.apiHandlers,
        webhooks.apiHandlers,
      ],
      platformTokens: {
        issuer: config.platformTokenIssuer,
        signingKey: identity.signingKey,
        eventBus: platform.eventBus,
      },
      readinessChecks: [
        { table: platform.idempotencyTable, keys: 'id' },
        { table: checkout.tables.catalog, keys: 'sku' },
        { table: provisioning.tables.tenants, keys: 'tenantId' },
        { table: audit.tables.audit, keys: 'srn:sk' },
        // The delivery log: a table without an index, so the probe's read grant names no `index/*`.
        { table: webhooks.tables.deliveries, keys: 'webhookId:deliveryId' },
      ],
    });
    new ObservabilityStack(this, 'Observability', {
      terminationProtection,
      stageName: config.name,
      alarmTopic: platform.alarmTopic,
      restApi: api.restApi,
      checkoutSaga: checkout.stateMachine,
      deadLetterQueues: [
        checkout.queues.notifications.deadLetterQueue,
        checkout.queues.checkoutRequests.deadLetterQueue,
        checkout.compensationDlq,
        checkout.undeliveredEvents,
        webhooks.deliveryQueue.deadLetterQueue,
        webhooks.fanOutQueue.deadLetterQueue,
        webhooks.undeliveredEvents,
      ],
    });
  }
}
