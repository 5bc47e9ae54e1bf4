/**
 * Helpers to read CloudFormation Properties defensively. Every property bag is checked against the list of keys the
 * module understands, so a key it has never heard of fails the boot instead of being silently ignored.
 */
import { InvalidRestApiDefinitionError, UnsupportedApiGatewayFeatureError } from './definition.js';

export type PropertyBag = Record<string, unknown>;

/** Refuses any key outside `understood`, naming it so the user knows which setting is not emulated. */
export function refuseUnknownProperties(properties: PropertyBag, understood: readonly string[], where: string): void {
  for (const key of Object.keys(properties)) {
    if (!understood.includes(key) && properties[key] !== undefined) {
      throw new UnsupportedApiGatewayFeatureError(`property ${key}`, where);
    }
  }
}

/** True for values that configure nothing: absent, null, empty string, empty list or empty map. */
export function isUnset(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/** Refuses a property that is set to anything meaningful, for settings whose behaviour is not emulated. */
export function refuseIfSet(properties: PropertyBag, key: string, feature: string, where: string): void {
  if (!isUnset(properties[key])) throw new UnsupportedApiGatewayFeatureError(feature, where);
}

export function optionalString(properties: PropertyBag, key: string, where: string): string | undefined {
  const value = properties[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new InvalidRestApiDefinitionError(`${where}: ${key} must be a string (was the intrinsic resolved?)`);
  }
  return value;
}

export function requiredString(properties: PropertyBag, key: string, where: string): string {
  const value = optionalString(properties, key, where);
  if (value === undefined || value.length === 0)
    throw new InvalidRestApiDefinitionError(`${where}: ${key} is required`);
  return value;
}

/** Reads a number that CloudFormation may carry as a number or a numeric string. */
export function optionalNumber(properties: PropertyBag, key: string, where: string): number | undefined {
  const value = properties[key];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) {
    throw new InvalidRestApiDefinitionError(`${where}: ${key} must be a number`);
  }
  return number;
}

/** Reads a boolean that CloudFormation may carry as a boolean or as `"true"` / `"false"`. */
export function optionalBoolean(properties: PropertyBag, key: string, where: string): boolean | undefined {
  const value = properties[key];
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new InvalidRestApiDefinitionError(`${where}: ${key} must be a boolean`);
}

export function optionalStringMap(properties: PropertyBag, key: string, where: string): Record<string, string> {
  const value = properties[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidRestApiDefinitionError(`${where}: ${key} must be a map of strings`);
  }
  const map: Record<string, string> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw new InvalidRestApiDefinitionError(`${where}: ${key}.${name} must be a string`);
    map[name] = entry;
  }
  return map;
}

export function asPropertyBag(value: unknown, where: string): PropertyBag {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidRestApiDefinitionError(`${where} must be an object`);
  }
  return value as PropertyBag;
}
