/**
 * How a request names a key: key id, key ARN, alias name (`alias/x`) or alias ARN, as the API reference lists per
 * operation (e.g. https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html#KMS-Encrypt-request-KeyId).
 * CreateAlias's TargetKeyId and ListAliases's KeyId take only a key id or key ARN.
 */
import { kmsError } from './errors.js';
import type { KeyStore, KmsKey } from './key-store.js';

export interface KeyNaming {
  readonly account: string;
  readonly region: string;
}

export const keyArn = (naming: KeyNaming, keyId: string) =>
  `arn:aws:kms:${naming.region}:${naming.account}:key/${keyId}`;
export const aliasArn = (naming: KeyNaming, aliasName: string) =>
  `arn:aws:kms:${naming.region}:${naming.account}:${aliasName}`;

/** The key `identifier` names, or `NotFoundException` worded as AWS words it. */
export function resolveKey(
  store: KeyStore,
  naming: KeyNaming,
  identifier: string,
  accepts: { aliases: boolean } = { aliases: true },
): KmsKey {
  const key = findKey(store, naming, identifier, accepts);
  if (key) return key;
  const isAlias = identifier.startsWith('alias/') || /^arn:[^:]+:kms:[^:]*:[^:]*:alias\//.test(identifier);
  if (isAlias && accepts.aliases) {
    const name = identifier.startsWith('arn:') ? identifier : aliasArn(naming, identifier);
    throw kmsError.notFound(`Alias ${name} is not found.`);
  }
  if (isAlias) throw kmsError.validation(`${identifier} is not a key id or key ARN.`);
  const arn = identifier.startsWith('arn:') ? identifier : keyArn(naming, identifier);
  throw kmsError.notFound(`Key '${arn}' does not exist`);
}

/** The key `identifier` names, or `undefined`; what IAM uses to know a request's resource. */
export function findKey(
  store: KeyStore,
  naming: KeyNaming,
  identifier: string,
  accepts: { aliases: boolean } = { aliases: true },
): KmsKey | undefined {
  if (identifier.startsWith('arn:')) {
    const [, , service, region, account, resource = ''] = identifier.split(':');
    if (service !== 'kms' || region !== naming.region || account !== naming.account) return undefined;
    if (resource.startsWith('key/')) return store.keys.get(resource.slice('key/'.length));
    if (resource.startsWith('alias/') && accepts.aliases) return keyOfAlias(store, resource);
    return undefined;
  }
  if (identifier.startsWith('alias/')) return accepts.aliases ? keyOfAlias(store, identifier) : undefined;
  return store.keys.get(identifier);
}

function keyOfAlias(store: KeyStore, aliasName: string): KmsKey | undefined {
  const alias = store.aliases.get(aliasName);
  return alias ? store.keys.get(alias.targetKeyId) : undefined;
}
