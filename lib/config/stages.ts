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
import type { StageSettings } from '../constructs/stage-settings.js';

export type StageName = 'local' | 'dev' | 'staging' | 'prod';

export interface JwtVerificationConfig {
  readonly issuer: string;
  readonly audience: string;
  /** Public keys the authorizer accepts, by `kid`. An empty list rejects every token (fail closed). */
  readonly publicKeys: ReadonlyArray<{ readonly kid: string; readonly publicKeyPem: string }>;
}

/** A stage: the settings its constructs receive (`StageSettings`: data protection, logs), and the rest. */
export interface StageConfig extends StageSettings {
  readonly name: StageName;
  /** CDK construct id of the stage: `Local`, `Dev`, `Staging`, `Prod`. */
  readonly id: string;
  readonly account: string;
  readonly region: string;
  readonly jwt: JwtVerificationConfig;
  /** Receives alarm notifications; none means the topic has no subscriber yet. */
  readonly alarmEmail?: string;
  /** Seed the catalog with demo products (dev and local only). */
  readonly seedDemoData: boolean;
}

/**
 * The issuer of real tokens for deployed stages. Its public keys come from the environment at synth time
 * (`SAGASTACK_<STAGE>_JWT_PUBLIC_KEYS`, a JSON array of `{ kid, publicKeyPem }`), so that no key material is
 * committed; without them the authorizer rejects every token.
 */
function deployedJwt(stage: Exclude<StageName, 'local'>): JwtVerificationConfig {
  const variable = `SAGASTACK_${stage.toUpperCase()}_JWT_PUBLIC_KEYS`;
  const raw = process.env[variable];
  return {
    issuer: process.env.SAGASTACK_JWT_ISSUER ?? 'https://auth.sagastack.dev',
    audience: 'sagastack-api',
    publicKeys: raw ? parsePublicKeys(variable, raw) : [],
  };
}

/** A malformed key must fail the synth, not turn every request of a deployed stage into a 500. */
function parsePublicKeys(variable: string, raw: string): JwtVerificationConfig['publicKeys'] {
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
    id: 'Local',
    account: '000000000000',
    region: 'us-east-1',
    removalPolicy: RemovalPolicy.DESTROY,
    pointInTimeRecovery: false,
    deletionProtection: false,
    logRetention: RetentionDays.ONE_WEEK,
    logLevel: 'INFO',
    testBehaviour: true,
    // The dev key pair is public on purpose and accepted only here: the local cloud never leaves loopback.
    jwt: {
      issuer: DEV_JWT_ISSUER,
      audience: DEV_JWT_AUDIENCE,
      publicKeys: [{ kid: DEV_JWT_KID, publicKeyPem: DEV_JWT_PUBLIC_KEY_PEM }],
    },
    seedDemoData: true,
  },
  dev: {
    name: 'dev',
    id: 'Dev',
    account: process.env.SAGASTACK_DEV_ACCOUNT ?? '111111111111',
    region: 'eu-west-1',
    removalPolicy: RemovalPolicy.DESTROY,
    pointInTimeRecovery: false,
    deletionProtection: false,
    logRetention: RetentionDays.TWO_WEEKS,
    logLevel: 'DEBUG',
    testBehaviour: true,
    jwt: deployedJwt('dev'),
    seedDemoData: true,
  },
  staging: {
    name: 'staging',
    id: 'Staging',
    account: process.env.SAGASTACK_STAGING_ACCOUNT ?? '222222222222',
    region: 'eu-west-1',
    removalPolicy: RemovalPolicy.RETAIN,
    pointInTimeRecovery: true,
    deletionProtection: false,
    logRetention: RetentionDays.ONE_MONTH,
    logLevel: 'INFO',
    testBehaviour: true,
    jwt: deployedJwt('staging'),
    seedDemoData: false,
  },
  prod: {
    name: 'prod',
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
    jwt: deployedJwt('prod'),
    alarmEmail: process.env.SAGASTACK_PROD_ALARM_EMAIL,
    seedDemoData: false,
  },
};
