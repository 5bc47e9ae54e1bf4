/**
 * Stage throttling from `MethodSettings`. As in API Gateway, the limits apply to each method separately (a stage-wide
 * `'/*' '*'` setting gives every method its own bucket), a method-specific setting overrides the stage-wide one, and
 * each bucket is a token bucket holding `burst` tokens refilled at `rate` per second.
 */
import { InvalidRestApiDefinitionError, UnsupportedApiGatewayFeatureError } from './definition.js';
import {
  asPropertyBag,
  optionalBoolean,
  optionalNumber,
  optionalString,
  refuseUnknownProperties,
} from './properties.js';

export interface ThrottleLimits {
  rateLimit: number;
  burstLimit: number;
}

/** AWS account-level defaults, used for whichever half of a setting is left unset. */
const ACCOUNT_RATE_LIMIT = 10_000;
const ACCOUNT_BURST_LIMIT = 5_000;

interface MethodSetting {
  resourcePath: string;
  httpMethod: string;
  rateLimit?: number;
  burstLimit?: number;
}

/** `MethodSettings.ResourcePath` escapes `/` as `~1` (JSON-pointer style), e.g. `/~1orders~1{id}`. */
function unescapeResourcePath(resourcePath: string): string {
  if (resourcePath === '/*') return resourcePath;
  return resourcePath.slice(1).replaceAll('~1', '/').replaceAll('~0', '~') || '/';
}

function readMethodSettings(value: unknown, where: string): MethodSetting[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidRestApiDefinitionError(`${where}: MethodSettings must be a list`);
  return value.map((entry, index) => {
    const at = `${where}: MethodSettings[${index}]`;
    const setting = asPropertyBag(entry, at);
    refuseUnknownProperties(
      setting,
      [
        'HttpMethod',
        'ResourcePath',
        'ThrottlingRateLimit',
        'ThrottlingBurstLimit',
        'LoggingLevel',
        'MetricsEnabled',
        'DataTraceEnabled',
        'CachingEnabled',
        'CacheTtlInSeconds',
        'CacheDataEncrypted',
      ],
      at,
    );
    if (optionalBoolean(setting, 'CachingEnabled', at) === true) {
      throw new UnsupportedApiGatewayFeatureError('API caching (CachingEnabled)', at);
    }
    const rateLimit = optionalNumber(setting, 'ThrottlingRateLimit', at);
    const burstLimit = optionalNumber(setting, 'ThrottlingBurstLimit', at);
    return {
      resourcePath: unescapeResourcePath(optionalString(setting, 'ResourcePath', at) ?? '/*'),
      httpMethod: optionalString(setting, 'HttpMethod', at) ?? '*',
      ...(rateLimit !== undefined ? { rateLimit } : {}),
      ...(burstLimit !== undefined ? { burstLimit } : {}),
    };
  });
}

/** Resolves the throttle limits of each method from a stage's `MethodSettings`. */
export class ThrottleSettings {
  private readonly settings: MethodSetting[];

  constructor(methodSettings: unknown, where: string) {
    this.settings = readMethodSettings(methodSettings, where);
  }

  /** The limits of one method, or `undefined` when nothing throttles it (a negative limit means unlimited). */
  limitsFor(resourcePath: string, httpMethod: string): ThrottleLimits | undefined {
    const bySpecificity = [
      ['/*', '*'],
      ['/*', httpMethod],
      [resourcePath, '*'],
      [resourcePath, httpMethod],
    ].map(([path, method]) => this.settings.find((s) => s.resourcePath === path && s.httpMethod === method));
    let rateLimit: number | undefined;
    let burstLimit: number | undefined;
    for (const setting of bySpecificity) {
      if (setting?.rateLimit !== undefined) rateLimit = setting.rateLimit;
      if (setting?.burstLimit !== undefined) burstLimit = setting.burstLimit;
    }
    const limited = (limit: number | undefined) => limit !== undefined && limit >= 0;
    if (!limited(rateLimit) && !limited(burstLimit)) return undefined;
    return {
      rateLimit: limited(rateLimit) ? (rateLimit as number) : ACCOUNT_RATE_LIMIT,
      burstLimit: limited(burstLimit) ? (burstLimit as number) : ACCOUNT_BURST_LIMIT,
    };
  }
}

/** A token bucket that starts full. */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly now: () => number,
  ) {
    this.tokens = limits.burstLimit;
    this.refilledAt = now();
  }

  /** Takes one token; `false` means the request is throttled. */
  tryTake(): boolean {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.limits.burstLimit, this.tokens + elapsedSeconds * this.limits.rateLimit);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
