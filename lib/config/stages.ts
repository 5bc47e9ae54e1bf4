/**
 * One typed record per stage. Everything that differs between dev, staging, prod (and the embedded local cloud)
 * lives here; tunables that are the same everywhere live in `tuning.ts`.
 */
import { createPublicKey } from 'node:crypto';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';
import {
  DEV_JWT_AUDIENCE,
  DEV_JWT_ISSUER,
  DEV_JWT_KID,
  DEV_JWT_PUBLIC_KEY_PEM,
} from '../../functions/platform/dev-keys.js';
import { E2E_JWT_ISSUER, E2eKeyError, e2ePublicKeys } from '../../functions/platform/e2e-issuer.js';
import type { Settings } from '../../shared/environment.js';
import type { StageSettings } from '../constructs/stage-settings.js';

export type StageName = 'local' | 'dev' | 'staging' | 'prod';

/**
 * How a stage's authorizer verifies tokens: the issuer and audience they must name, and where the keys that sign them
 * come from, either an issuer's JSON Web Key Set (`jwksUrl`) or keys fixed at synth time (`publicKeys`), never both.
 */
export type JwtVerificationConfig = JwtClaims & (JwksKeySource | FixedKeySource);

interface JwtClaims {
  readonly issuer: string;
  readonly audience: string;
  /**
   * A second issuer trusted beside the first, for the stage's audience: Staging's e2e issuer, whose tokens the
   * end-to-end suite signs (docs/adr/0042-an-e2e-issuer-for-staging.md). Fixed keys only: it publishes no key set.
   * @default none: the stage trusts one issuer
   */
  readonly e2eIssuer?: E2eIssuerConfig;
}

/** The e2e issuer as a stage trusts it: its `iss` and its public keys by `kid`. */
export interface E2eIssuerConfig {
  readonly issuer: string;
  readonly publicKeys: FixedKeySource['publicKeys'];
}

interface JwksKeySource {
  /**
   * The issuer's JSON Web Key Set (HTTPS). The authorizer fetches it, keeps it for minutes and fetches it again when a
   * token names a `kid` it does not hold, so the issuer rotates keys without a deployment (docs/adr/0030-edge-protection.md).
   */
  readonly jwksUrl: string;
  readonly publicKeys?: never;
}

interface FixedKeySource {
  /** Public keys the authorizer accepts, by `kid`. An empty list rejects every token (fail closed). */
  readonly publicKeys: ReadonlyArray<{ readonly kid: string; readonly publicKeyPem: string }>;
  readonly jwksUrl?: never;
}

/**
 * The settings a function verifying the stage's tokens reads (`shared/auth/token-trust-from-env.ts`): the issuer, the
 * audience, and one key source, as the stage says: the issuer's key set (rotates without a deploy) or fixed keys.
 */
export function tokenTrustSettings(jwt: JwtVerificationConfig): Settings {
  return {
    JWT_ISSUER: jwt.issuer,
    JWT_AUDIENCE: jwt.audience,
    ...(jwt.jwksUrl === undefined
      ? { JWT_PUBLIC_KEYS: JSON.stringify(jwt.publicKeys) }
      : { JWT_JWKS_URL: jwt.jwksUrl }),
    ...(jwt.e2eIssuer
      ? { JWT_E2E_ISSUER: jwt.e2eIssuer.issuer, JWT_E2E_PUBLIC_KEYS: JSON.stringify(jwt.e2eIssuer.publicKeys) }
      : {}),
  };
}

/**
 * The authorizer's token trust for `stage`: {@link tokenTrustSettings}, once the stage is one that may trust an e2e
 * issuer. A stage that offers its customers no test behaviour (prod) never does, however its config was built: a key
 * that can act as any tenant has no place there.
 */
export function authorizerTrustSettings(stage: Pick<StageConfig, 'name' | 'jwt' | 'testBehaviour'>): Settings {
  if (stage.jwt.e2eIssuer && (!stage.testBehaviour || stage.name === 'prod')) {
    throw new E2eIssuerRefusedError(stage.name, 'its configuration names an e2e issuer');
  }
  return tokenTrustSettings(stage.jwt);
}

/** The one stage whose synth reads the e2e issuer's keys. */
const E2E_ISSUER_STAGE: StageName = 'staging';

/** An e2e issuer given to a stage other than Staging: synth stops rather than deploy a stage anyone could act in. */
export class E2eIssuerRefusedError extends Error {
  constructor(stage: string, what: string) {
    super(
      `The e2e issuer is for ${E2E_ISSUER_STAGE} only, and ${stage} never trusts it, but ${what} ` +
        '(docs/adr/0042-an-e2e-issuer-for-staging.md)',
    );
    this.name = 'E2eIssuerRefusedError';
  }
}

/** A stage: the settings its constructs receive (`StageSettings`: data protection, logs), and the rest. */
export interface StageConfig extends StageSettings {
  readonly name: StageName;
  /** CDK construct id of the stage: `Local`, `Dev`, `Staging`, `Prod`. */
  readonly id: string;
  readonly account: string;
  readonly region: string;
  readonly jwt: JwtVerificationConfig;
  /**
   * `iss` of the tokens the platform itself issues to service accounts (`POST /oauth/token`), signed by the identity
   * stack's KMS key. Never the user tokens' issuer: the authorizer tells the two kinds apart by it (and by `kid`).
   */
  readonly platformTokenIssuer: string;
  /** Receives alarm notifications; none means the topic has no subscriber yet. */
  readonly alarmEmail?: string;
  /** Seed the catalog with demo products (dev and local only). */
  readonly seedDemoData: boolean;
  /** Webhook delivery where the stage differs from `tuning.webhooks`. @default HTTPS only, tuning's retry schedule */
  readonly webhooks?: WebhookStageOptions;
}

/** What a stage may change about webhook delivery (lib/stacks/webhooks-stack.ts). */
export interface WebhookStageOptions {
  /** Plain HTTP to a loopback host is accepted (a receiver on the developer's machine); HTTPS only otherwise. */
  readonly allowLoopbackHttp: boolean;
  /** @default tuning.webhooks.retrySchedule */
  readonly retrySchedule?: {
    readonly maxAttempts: number;
    readonly firstRetrySeconds: number;
    readonly backoffRate: number;
    readonly maxDelaySeconds: number;
  };
}

/**
 * The issuer of real tokens for deployed stages (`SAGASTACK_JWT_ISSUER`, default `https://auth.sagastack.dev`) and
 * where its keys come from, read from the environment at synth time so that no key material is committed:
 *
 * - by default, the issuer's JSON Web Key Set at `<issuer>/.well-known/jwks.json`, or at
 *   `SAGASTACK_<STAGE>_JWT_JWKS_URL` (HTTPS): keys rotate at the issuer, without a deployment;
 * - or, for an issuer that publishes no key set, fixed keys in `SAGASTACK_<STAGE>_JWT_PUBLIC_KEYS` (a JSON array of
 *   `{ kid, publicKeyPem }`): a rotation is then a deployment.
 *
 * Setting both for one stage fails the synth: which keys a stage trusts is never a guess. See docs/runbooks/deploy.md.
 *
 * Staging alone also trusts the e2e issuer when `SAGASTACK_STAGING_E2E_JWT_PUBLIC_KEYS` holds its public keys (one or
 * more PEMs; the release workflow sets it from the `staging` environment's `E2E_JWT_PUBLIC_KEYS`); the same variable
 * for any other stage fails the synth (docs/adr/0042-an-e2e-issuer-for-staging.md).
 */
function deployedJwt(stage: Exclude<StageName, 'local'>): JwtVerificationConfig {
  const issuer = process.env.SAGASTACK_JWT_ISSUER ?? 'https://auth.sagastack.dev';
  const audience = 'sagastack-api';
  const e2eIssuer = deployedE2eIssuer(stage, issuer);
  const keysVariable = `SAGASTACK_${stage.toUpperCase()}_JWT_PUBLIC_KEYS`;
  const urlVariable = `SAGASTACK_${stage.toUpperCase()}_JWT_JWKS_URL`;
  const rawKeys = process.env[keysVariable];
  const rawUrl = process.env[urlVariable];
  if (rawKeys && rawUrl) {
    throw new Error(`${keysVariable} and ${urlVariable} are both set: a stage verifies tokens with one key source`);
  }
  const e2e = e2eIssuer ? { e2eIssuer } : {};
  if (rawKeys) return { issuer, audience, publicKeys: parsePublicKeys(keysVariable, rawKeys), ...e2e };
  return {
    issuer,
    audience,
    jwksUrl: parseJwksUrl(urlVariable, rawUrl ?? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`),
    ...e2e,
  };
}

/** The e2e issuer of a deployed stage: Staging's, when its variable is set; none elsewhere, and a refusal if asked. */
function deployedE2eIssuer(stage: Exclude<StageName, 'local'>, providerIssuer: string): E2eIssuerConfig | undefined {
  const variable = `SAGASTACK_${stage.toUpperCase()}_E2E_JWT_PUBLIC_KEYS`;
  const raw = process.env[variable];
  if (!raw) return undefined;
  if (stage !== E2E_ISSUER_STAGE) throw new E2eIssuerRefusedError(stage, `${variable} is set`);
  if (providerIssuer === E2E_JWT_ISSUER) {
    throw new Error(`SAGASTACK_JWT_ISSUER is ${E2E_JWT_ISSUER}, the e2e issuer's own: the two must differ`);
  }
  try {
    return { issuer: E2E_JWT_ISSUER, publicKeys: e2ePublicKeys(raw) };
  } catch (cause) {
    if (cause instanceof E2eKeyError) throw new E2eKeyError(`${variable}: ${cause.message}`, { cause });
    throw cause;
  }
}

/** Keys fetched over plain HTTP could be swapped on the way: a key set is read over HTTPS only. */
function parseJwksUrl(variable: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new Error(`${variable} (or the issuer it defaults from) is not a URL: ${raw}`, { cause });
  }
  if (url.protocol !== 'https:' || url.username || url.password) {
    throw new Error(`${variable} must be an https URL without credentials: ${raw}`);
  }
  return url.href;
}

/** A malformed key must fail the synth, not turn every request of a deployed stage into a 500. */
function parsePublicKeys(variable: string, raw: string): FixedKeySource['publicKeys'] {
  const keys = z
    .array(
      z.object({
        kid: z.string().min(1),
        publicKeyPem: z.string().regex(/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/),
      }),
    )
    .min(1)
    .safeParse(safeJson(raw));
  if (!keys.success) {
    throw new Error(
      `${variable} must be a JSON array of { kid, publicKeyPem } with PEM public keys: ${keys.error.message}`,
    );
  }
  for (const { kid, publicKeyPem } of keys.data) {
    try {
      createPublicKey(publicKeyPem);
    } catch (cause) {
      throw new Error(`${variable}: the key ${kid} is not a valid public key`, { cause });
    }
  }
  return keys.data;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

// Account ids are placeholders until the organisation's accounts exist; override with SAGASTACK_<STAGE>_ACCOUNT.
export const stages: Readonly<Record<StageName, StageConfig>> = {
  local: {
    name: 'local',
    platformTokenIssuer: 'https://platform.sagastack.local',
    id: 'Local',
    account: '000000000000',
    region: 'us-east-1',
    removalPolicy: RemovalPolicy.DESTROY,
    pointInTimeRecovery: false,
    deletionProtection: false,
    logRetention: RetentionDays.ONE_WEEK,
    logLevel: 'INFO',
    testBehaviour: true,
    // The local cloud runs no WAF (docs/local-cloud.md); the size limit is the handlers' own.
    firewall: false,
    // The dev key pair is public on purpose and accepted only here: the local cloud never leaves loopback.
    jwt: {
      issuer: DEV_JWT_ISSUER,
      audience: DEV_JWT_AUDIENCE,
      publicKeys: [{ kid: DEV_JWT_KID, publicKeyPem: DEV_JWT_PUBLIC_KEY_PEM }],
    },
    seedDemoData: true,
    // Receivers run on loopback without a certificate, and a failed delivery comes back within seconds, not minutes,
    // so a developer (and the e2e suite) sees the retry. The schedule's shape is the same as everywhere else.
    webhooks: {
      allowLoopbackHttp: true,
      retrySchedule: { maxAttempts: 4, firstRetrySeconds: 1, backoffRate: 2, maxDelaySeconds: 4 },
    },
  },
  dev: {
    name: 'dev',
    platformTokenIssuer: 'https://platform.sagastack.dev/dev',
    id: 'Dev',
    account: process.env.SAGASTACK_DEV_ACCOUNT ?? '111111111111',
    region: 'eu-west-1',
    removalPolicy: RemovalPolicy.DESTROY,
    pointInTimeRecovery: false,
    deletionProtection: false,
    logRetention: RetentionDays.TWO_WEEKS,
    logLevel: 'DEBUG',
    testBehaviour: true,
    firewall: false,
    jwt: deployedJwt('dev'),
    seedDemoData: true,
  },
  staging: {
    name: 'staging',
    platformTokenIssuer: 'https://platform.sagastack.dev/staging',
    id: 'Staging',
    account: process.env.SAGASTACK_STAGING_ACCOUNT ?? '222222222222',
    region: 'eu-west-1',
    removalPolicy: RemovalPolicy.RETAIN,
    pointInTimeRecovery: true,
    deletionProtection: false,
    logRetention: RetentionDays.ONE_MONTH,
    logLevel: 'INFO',
    testBehaviour: true,
    // Staging runs prod's web ACL, so that a managed rule refusing a legitimate request shows before production.
    firewall: true,
    jwt: deployedJwt('staging'),
    seedDemoData: false,
  },
  prod: {
    name: 'prod',
    platformTokenIssuer: 'https://platform.sagastack.dev/prod',
    id: 'Prod',
    account: process.env.SAGASTACK_PROD_ACCOUNT ?? '333333333333',
    region: 'eu-west-1',
    removalPolicy: RemovalPolicy.RETAIN,
    pointInTimeRecovery: true,
    deletionProtection: true,
    logRetention: RetentionDays.THREE_MONTHS,
    logLevel: 'INFO',
    // Test flavors and fault tokens: for exercising the platform, never offered to production's customers.
    testBehaviour: false,
    firewall: true,
    jwt: deployedJwt('prod'),
    alarmEmail: process.env.SAGASTACK_PROD_ALARM_EMAIL,
    seedDemoData: false,
  },
};
