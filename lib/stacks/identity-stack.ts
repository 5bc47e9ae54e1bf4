import type { StackProps } from 'aws-cdk-lib';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { EVENT_SOURCES } from '../../shared/contracts/events/sources.js';
import { BoundedContextStack, type CommandSpec, type PlatformResources } from '../constructs/bounded-context-stack.js';
import type { StageSettings } from '../constructs/stage-settings.js';

export interface IdentityStackProps extends StackProps {
  /** The stage's data protection and logging. @default KEEP_EVERYTHING */
  readonly stage?: StageSettings;
  /** Shared bus, key, idempotency table and alarm topic. */
  readonly platform: PlatformResources;
  /** `iss` of the tokens this context issues: the stage's platform issuer, never the user tokens' issuer. */
  readonly tokenIssuer: string;
  /** `aud` of the tokens this context issues: the API's audience, which the authorizer checks. */
  readonly tokenAudience: string;
}

type IdentityTable = 'serviceAccounts';
type Needs = Omit<CommandSpec<IdentityTable>, 'on' | 'description'>;

/**
 * The identity bounded context: service accounts (machine identities of one project) in their own table, the OAuth
 * 2.0 token endpoint that signs their 15-minute tokens with this stack's KMS key, and the key set that publishes the
 * key's public half. The API's authorizer verifies those tokens with the same key (`signingKey`).
 */
export class IdentityStack extends BoundedContextStack<IdentityTable> {
  /** ECC_NIST_P256, SIGN_VERIFY: its private half never leaves KMS; `kms:Sign` is granted to the token endpoint only. */
  readonly signingKey: Key;

  constructor(scope: Construct, id: string, props: IdentityStackProps) {
    super(scope, id, {
      ...props,
      service: 'identity',
      publishesAs: [EVENT_SOURCES.identity],
      tables: {
        serviceAccounts: {
          partitionKey: 'serviceAccountId',
          indexes: [{ name: 'byProject', partitionKey: 'projectId', sortKey: 'serviceAccountId' }],
        },
      },
    });
    // KMS does not rotate asymmetric keys by itself; a rotation is a new key and a deployment (docs/service-accounts.md).
    this.signingKey = new Key(this, 'TokenSigningKey', {
      description: 'Signs the platform tokens of service accounts (ES256)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: this.stage.removalPolicy,
    });

    // Every API handler may publish: creations, secret changes, revocations and token issues are audited.
    const api = (name: string, description: string, needs: Needs) =>
      this.command(name, { on: 'api', description, publishes: true, ...needs });
    const accounts = ['serviceAccounts'] as const;
    api('CreateServiceAccount', 'POST /projects/{projectId}/service-accounts', { writes: accounts });
    api('ListServiceAccounts', 'GET /projects/{projectId}/service-accounts', { reads: accounts });
    api('GetServiceAccount', 'GET /projects/{projectId}/service-accounts/{serviceAccountId}', { reads: accounts });
    api('DeleteServiceAccount', 'DELETE /projects/{projectId}/service-accounts/{serviceAccountId}', {
      writes: accounts,
    });
    api('AddServiceAccountSecret', 'POST .../service-accounts/{serviceAccountId}/secrets', { writes: accounts });
    api('RevokeServiceAccountSecret', 'DELETE .../service-accounts/{serviceAccountId}/secrets/{secretId}', {
      writes: accounts,
    });
    const signingKeySetting = { PLATFORM_SIGNING_KEY_ARN: this.signingKey.keyArn };
    const issueToken = api('IssueToken', 'POST /oauth/token (client credentials grant)', {
      reads: accounts,
      environment: {
        PLATFORM_TOKEN_ISSUER: props.tokenIssuer,
        PLATFORM_TOKEN_AUDIENCE: props.tokenAudience,
        ...signingKeySetting,
      },
    });
    this.signingKey.grant(issueToken, 'kms:Sign');
    const jwks = this.command('GetJwks', {
      on: 'api',
      description: 'GET /.well-known/jwks.json',
      environment: signingKeySetting,
    });
    this.signingKey.grant(jwks, 'kms:GetPublicKey');

    this.output('ServiceAccountSigningKeyArn', this.signingKey.keyArn);
  }
}
