/**
 * The local KMS engine: keys and aliases, and the cryptographic operations on them, in the request and response shapes
 * of the KMS API (https://docs.aws.amazon.com/kms/latest/APIReference/) with binary members as Buffers. It knows
 * nothing of HTTP (`api.ts` serves it). No key material leaves it: GetPublicKey gives only an asymmetric key's public
 * half.
 */
import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';
import { AwsServiceError } from '../aws-protocol.js';
import { type EncryptionContext, keyIdOfBlob, openBlob, sealBlob } from './ciphertext.js';
import { kmsError } from './errors.js';
import { aliasArn, findKey, type KeyNaming, keyArn, resolveKey } from './key-resolution.js';
import { hashOf, KEY_SPECS, type KeySpecification, type KeyUsage } from './key-specs.js';
import { KeyStore, type KmsKey } from './key-store.js';
import { type MessageType, publicKeyDer, signMessage, verifySignature } from './signing.js';

export interface LocalKmsOptions {
  readonly account: string;
  readonly region: string;
  /** Keep keys, their material and aliases here across restarts. @default in memory */
  readonly persistDirectory?: string;
}

export interface CreateKeyRequest {
  /** A stable id, for keys a template declares (the same key across restarts); a new UUID otherwise. */
  readonly keyId?: string;
  readonly keySpec?: string;
  readonly keyUsage?: string;
  readonly enabled?: boolean;
  readonly description?: string;
}

type Input = Record<string, unknown>;

/** Limits of the API reference, e.g. https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html. */
const MAX_PLAINTEXT_BYTES = 4096;
const MAX_MESSAGE_BYTES = 4096;
const MAX_DATA_KEY_BYTES = 1024;
const DATA_KEY_SPEC_BYTES: Readonly<Record<string, number>> = { AES_256: 32, AES_128: 16 };

export class LocalKms implements KeyNaming {
  readonly account: string;
  readonly region: string;
  private readonly store: KeyStore;

  constructor(options: LocalKmsOptions) {
    this.account = options.account;
    this.region = options.region;
    this.store = new KeyStore(options.persistDirectory);
  }

  /**
   * Creates a key with fresh material; with the `keyId` of a key that already exists with the same spec and usage
   * (a persisted one, its template deployed again), keeps its material and updates the rest.
   */
  createKey(request: CreateKeyRequest): KmsKey {
    const keySpec = request.keySpec ?? 'SYMMETRIC_DEFAULT';
    const spec = KEY_SPECS[keySpec];
    if (!spec) throw kmsError.unsupported(`KeySpec ${keySpec} is not supported by the local cloud.`);
    const keyUsage = (request.keyUsage ?? 'ENCRYPT_DECRYPT') as KeyUsage;
    if (!spec.usages.includes(keyUsage)) {
      throw kmsError.validation(`KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}.`);
    }
    const keyId = request.keyId ?? randomUUID();
    const existing = this.store.keys.get(keyId);
    const key: KmsKey =
      existing && existing.keySpec === keySpec && existing.keyUsage === keyUsage
        ? existing
        : {
            keyId,
            arn: keyArn(this, keyId),
            keySpec,
            keyUsage,
            enabled: true,
            description: '',
            creationDate: Math.floor(Date.now() / 1000),
            material: spec.generate(),
          };
    key.enabled = request.enabled ?? true;
    key.description = request.description ?? '';
    this.store.keys.set(keyId, key);
    this.store.save();
    return key;
  }

  /** Points `aliasName` at a key; `replace` re-points an existing alias (a template deployed again). */
  createAlias(aliasName: string, targetKeyId: string, options: { replace: boolean } = { replace: false }): void {
    if (!/^alias\/[a-zA-Z0-9/_-]+$/.test(aliasName) || aliasName.startsWith('alias/aws/')) {
      throw kmsError.validation(
        `Alias must start with the prefix "alias/", contain only alphanumeric characters, '/', '_' or '-', and not start with "alias/aws/".`,
      );
    }
    const key = resolveKey(this.store, this, targetKeyId, { aliases: false });
    const existing = this.store.aliases.get(aliasName);
    if (existing && !options.replace)
      throw kmsError.alreadyExists(`An alias with the name ${aliasArn(this, aliasName)} already exists`);
    this.store.aliases.set(aliasName, {
      aliasName,
      aliasArn: aliasArn(this, aliasName),
      targetKeyId: key.keyId,
      creationDate: existing?.creationDate ?? Math.floor(Date.now() / 1000),
    });
    this.store.save();
  }

  /** The ARN of the key `identifier` names (any of its four forms), for IAM; `undefined` if none. */
  keyArnOf(identifier: string): string | undefined {
    return findKey(this.store, this, identifier)?.arn;
  }

  /** The ARN of the key a symmetric ciphertext was sealed with, for IAM; `undefined` if it is not this service's. */
  keyArnOfCiphertext(blob: Buffer): string | undefined {
    const keyId = keyIdOfBlob(blob);
    return keyId === undefined ? undefined : this.store.keys.get(keyId)?.arn;
  }

  setEnabled(identifier: string, enabled: boolean): void {
    const key = resolveKey(this.store, this, identifier, { aliases: false });
    key.enabled = enabled;
    this.store.save();
  }

  describeKey(input: Input) {
    return { KeyMetadata: this.metadataOf(resolveKey(this.store, this, requiredKeyId(input))) };
  }

  listKeys() {
    return {
      Keys: [...this.store.keys.values()].map((key) => ({ KeyId: key.keyId, KeyArn: key.arn })),
      Truncated: false,
    };
  }

  /** Customer aliases only: the local cloud has no AWS managed keys (`alias/aws/*`). */
  listAliases(input: Input) {
    const keyId =
      typeof input.KeyId === 'string' ? resolveKey(this.store, this, input.KeyId, { aliases: false }).keyId : undefined;
    const aliases = [...this.store.aliases.values()].filter(
      (alias) => keyId === undefined || alias.targetKeyId === keyId,
    );
    return {
      Aliases: aliases.map((alias) => ({
        AliasName: alias.aliasName,
        AliasArn: alias.aliasArn,
        TargetKeyId: alias.targetKeyId,
        CreationDate: alias.creationDate,
        LastUpdatedDate: alias.creationDate,
      })),
      Truncated: false,
    };
  }

  encrypt(input: Input) {
    const key = this.usableKey(requiredKeyId(input), 'ENCRYPT_DECRYPT', 'Encrypt');
    const plaintext = requiredBlob(input, 'Plaintext', MAX_PLAINTEXT_BYTES);
    const algorithm = this.algorithmOf(key, input.EncryptionAlgorithm, 'encryptionAlgorithms', 'SYMMETRIC_DEFAULT');
    const context = contextOf(input.EncryptionContext);
    const blob =
      algorithm === 'SYMMETRIC_DEFAULT'
        ? sealBlob(key.keyId, Buffer.from(key.material, 'base64'), plaintext, context)
        : publicEncrypt(
            rsaOaep(createPublicKey(key.material), algorithm),
            asymmetricWithoutContext(plaintext, context),
          );
    return { CiphertextBlob: blob, KeyId: key.arn, EncryptionAlgorithm: algorithm };
  }

  decrypt(input: Input) {
    const blob = requiredBlob(input, 'CiphertextBlob');
    const context = contextOf(input.EncryptionContext);
    const algorithm = typeof input.EncryptionAlgorithm === 'string' ? input.EncryptionAlgorithm : 'SYMMETRIC_DEFAULT';
    if (algorithm !== 'SYMMETRIC_DEFAULT') {
      // An asymmetric ciphertext carries no key id: the request must name the key.
      if (typeof input.KeyId !== 'string')
        throw kmsError.validation('KeyId is required to decrypt with an asymmetric key.');
      const key = this.usableKey(input.KeyId, 'ENCRYPT_DECRYPT', 'Decrypt');
      this.algorithmOf(key, algorithm, 'encryptionAlgorithms', algorithm);
      try {
        const plaintext = privateDecrypt(rsaOaep(createPrivateKey(key.material), algorithm), blob);
        return {
          Plaintext: asymmetricWithoutContext(plaintext, context),
          KeyId: key.arn,
          EncryptionAlgorithm: algorithm,
        };
      } catch (error) {
        if (error instanceof AwsServiceError) throw error;
        throw kmsError.invalidCiphertext();
      }
    }
    const sealedWith = keyIdOfBlob(blob);
    const key = sealedWith === undefined ? undefined : this.store.keys.get(sealedWith);
    if (!key) throw kmsError.invalidCiphertext();
    if (typeof input.KeyId === 'string' && resolveKey(this.store, this, input.KeyId).keyId !== key.keyId) {
      throw kmsError.incorrectKey();
    }
    this.usableKey(key.keyId, 'ENCRYPT_DECRYPT', 'Decrypt');
    const plaintext = openBlob(blob, Buffer.from(key.material, 'base64'), context);
    if (!plaintext) throw kmsError.invalidCiphertext();
    return { Plaintext: plaintext, KeyId: key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
  }

  generateDataKey(input: Input) {
    const key = this.usableKey(requiredKeyId(input), 'ENCRYPT_DECRYPT', 'GenerateDataKey');
    if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
      throw kmsError.invalidKeyUsage(
        `${key.arn} key usage is not valid for GenerateDataKey: it is not a symmetric encryption key.`,
      );
    }
    const plaintext = randomBytes(dataKeyBytes(input));
    const context = contextOf(input.EncryptionContext);
    const blob = sealBlob(key.keyId, Buffer.from(key.material, 'base64'), plaintext, context);
    return { CiphertextBlob: blob, Plaintext: plaintext, KeyId: key.arn };
  }

  generateDataKeyWithoutPlaintext(input: Input) {
    const { CiphertextBlob, KeyId } = this.generateDataKey(input);
    return { CiphertextBlob, KeyId };
  }

  reEncrypt(input: Input) {
    const decrypted = this.decrypt({
      CiphertextBlob: input.CiphertextBlob,
      EncryptionContext: input.SourceEncryptionContext,
      KeyId: input.SourceKeyId,
      EncryptionAlgorithm: input.SourceEncryptionAlgorithm,
    });
    const encrypted = this.encrypt({
      KeyId: input.DestinationKeyId,
      Plaintext: decrypted.Plaintext,
      EncryptionContext: input.DestinationEncryptionContext,
      EncryptionAlgorithm: input.DestinationEncryptionAlgorithm,
    });
    return {
      CiphertextBlob: encrypted.CiphertextBlob,
      SourceKeyId: decrypted.KeyId,
      KeyId: encrypted.KeyId,
      SourceEncryptionAlgorithm: decrypted.EncryptionAlgorithm,
      DestinationEncryptionAlgorithm: encrypted.EncryptionAlgorithm,
    };
  }

  sign(input: Input) {
    const key = this.usableKey(requiredKeyId(input), 'SIGN_VERIFY', 'Sign');
    const algorithm = this.algorithmOf(key, input.SigningAlgorithm, 'signingAlgorithms');
    const message = requiredBlob(input, 'Message', MAX_MESSAGE_BYTES);
    const signature = signMessage(key.material, algorithm, message, messageTypeOf(input));
    return { KeyId: key.arn, Signature: signature, SigningAlgorithm: algorithm };
  }

  verify(input: Input) {
    const key = this.usableKey(requiredKeyId(input), 'SIGN_VERIFY', 'Verify');
    const algorithm = this.algorithmOf(key, input.SigningAlgorithm, 'signingAlgorithms');
    const message = requiredBlob(input, 'Message', MAX_MESSAGE_BYTES);
    const signature = requiredBlob(input, 'Signature');
    if (!verifySignature(key.material, algorithm, message, messageTypeOf(input), signature)) {
      throw kmsError.invalidSignature();
    }
    return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: algorithm };
  }

  getPublicKey(input: Input) {
    const key = resolveKey(this.store, this, requiredKeyId(input));
    if (!key.enabled) throw kmsError.disabled(key.arn);
    if (!isAsymmetric(key.keySpec)) {
      throw kmsError.unsupported(`${key.arn} is not an asymmetric key: it has no public key.`);
    }
    const spec = KEY_SPECS[key.keySpec] as KeySpecification;
    return {
      KeyId: key.arn,
      PublicKey: publicKeyDer(key.material),
      KeySpec: key.keySpec,
      CustomerMasterKeySpec: key.keySpec,
      KeyUsage: key.keyUsage,
      ...(key.keyUsage === 'ENCRYPT_DECRYPT'
        ? { EncryptionAlgorithms: spec.encryptionAlgorithms }
        : { SigningAlgorithms: spec.signingAlgorithms }),
    };
  }

  generateMac(input: Input) {
    const key = this.usableKey(requiredKeyId(input), 'GENERATE_VERIFY_MAC', 'GenerateMac');
    const algorithm = this.algorithmOf(key, input.MacAlgorithm, 'macAlgorithms');
    const message = requiredBlob(input, 'Message', MAX_MESSAGE_BYTES);
    return { Mac: this.mac(key, algorithm, message), MacAlgorithm: algorithm, KeyId: key.arn };
  }

  verifyMac(input: Input) {
    const key = this.usableKey(requiredKeyId(input), 'GENERATE_VERIFY_MAC', 'VerifyMac');
    const algorithm = this.algorithmOf(key, input.MacAlgorithm, 'macAlgorithms');
    const message = requiredBlob(input, 'Message', MAX_MESSAGE_BYTES);
    const expected = this.mac(key, algorithm, message);
    const given = requiredBlob(input, 'Mac');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw kmsError.invalidMac();
    return { KeyId: key.arn, MacValid: true, MacAlgorithm: algorithm };
  }

  metadataOf(key: KmsKey) {
    const spec = KEY_SPECS[key.keySpec] as KeySpecification;
    return {
      AWSAccountId: this.account,
      KeyId: key.keyId,
      Arn: key.arn,
      CreationDate: key.creationDate,
      Enabled: key.enabled,
      Description: key.description,
      KeyUsage: key.keyUsage,
      KeyState: key.enabled ? 'Enabled' : 'Disabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: key.keySpec,
      KeySpec: key.keySpec,
      MultiRegion: false,
      ...(key.keyUsage === 'ENCRYPT_DECRYPT' ? { EncryptionAlgorithms: spec.encryptionAlgorithms } : {}),
      ...(key.keyUsage === 'SIGN_VERIFY' ? { SigningAlgorithms: spec.signingAlgorithms } : {}),
      ...(key.keyUsage === 'GENERATE_VERIFY_MAC' ? { MacAlgorithms: spec.macAlgorithms } : {}),
    };
  }

  private mac(key: KmsKey, algorithm: string, message: Buffer): Buffer {
    return createHmac(hashOf(algorithm), Buffer.from(key.material, 'base64')).update(message).digest();
  }

  /** The key, enabled and of the usage the operation needs. */
  private usableKey(identifier: string, usage: KeyUsage, operation: string): KmsKey {
    const key = resolveKey(this.store, this, identifier);
    if (!key.enabled) throw kmsError.disabled(key.arn);
    if (key.keyUsage !== usage) {
      throw kmsError.invalidKeyUsage(`${key.arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`);
    }
    return key;
  }

  /** The requested algorithm (or the default), refused with `InvalidKeyUsageException` when the key cannot use it. */
  private algorithmOf(
    key: KmsKey,
    requested: unknown,
    kind: 'encryptionAlgorithms' | 'signingAlgorithms' | 'macAlgorithms',
    fallback?: string,
  ): string {
    const algorithm = typeof requested === 'string' ? requested : fallback;
    if (algorithm === undefined) throw kmsError.validation(`${kindMember[kind]} is required`);
    const allowed = (KEY_SPECS[key.keySpec] as KeySpecification)[kind] ?? [];
    if (!allowed.includes(algorithm)) {
      throw kmsError.invalidKeyUsage(`Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`);
    }
    return algorithm;
  }
}

const kindMember = {
  encryptionAlgorithms: 'EncryptionAlgorithm',
  signingAlgorithms: 'SigningAlgorithm',
  macAlgorithms: 'MacAlgorithm',
} as const;

function requiredKeyId(input: Input): string {
  if (typeof input.KeyId !== 'string' || input.KeyId.length === 0) throw kmsError.validation('KeyId is required');
  return input.KeyId;
}

function requiredBlob(input: Input, member: string, maxBytes?: number): Buffer {
  const value = input[member];
  if (!Buffer.isBuffer(value)) throw kmsError.validation(`${member} is required`);
  if (value.length === 0 || (maxBytes !== undefined && value.length > maxBytes)) {
    throw kmsError.validation(
      `1 validation error detected: Value at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint: Member must have length between 1 and ${maxBytes ?? 6144}`,
    );
  }
  return value;
}

function contextOf(value: unknown): EncryptionContext {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Object.values(value).some((entry) => typeof entry !== 'string')) {
    throw kmsError.validation('EncryptionContext must be a map of strings to strings');
  }
  return value as EncryptionContext;
}

function messageTypeOf(input: Input): MessageType {
  const type = input.MessageType ?? 'RAW';
  if (type !== 'RAW' && type !== 'DIGEST') {
    throw kmsError.validation(`MessageType ${String(type)} is not supported by the local cloud (RAW, DIGEST).`);
  }
  return type;
}

function dataKeyBytes(input: Input): number {
  const { NumberOfBytes, KeySpec } = input;
  if ((NumberOfBytes === undefined) === (KeySpec === undefined)) {
    throw kmsError.validation('Please specify either number of bytes or key spec.');
  }
  if (KeySpec !== undefined) {
    const bytes = DATA_KEY_SPEC_BYTES[String(KeySpec)];
    if (bytes === undefined) throw kmsError.validation(`KeySpec ${String(KeySpec)} must be AES_256 or AES_128.`);
    return bytes;
  }
  if (
    !Number.isInteger(NumberOfBytes) ||
    (NumberOfBytes as number) < 1 ||
    (NumberOfBytes as number) > MAX_DATA_KEY_BYTES
  ) {
    throw kmsError.validation(`NumberOfBytes must be between 1 and ${MAX_DATA_KEY_BYTES}.`);
  }
  return NumberOfBytes as number;
}

function rsaOaep(key: ReturnType<typeof createPublicKey>, algorithm: string) {
  return { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hashOf(algorithm) };
}

/** Asymmetric encryption takes no encryption context (API_Encrypt.html, EncryptionContext). */
function asymmetricWithoutContext(data: Buffer, context: EncryptionContext): Buffer {
  if (Object.keys(context).length > 0) {
    throw kmsError.validation('EncryptionContext is not supported with asymmetric keys.');
  }
  return data;
}

const isAsymmetric = (keySpec: string) => keySpec.startsWith('RSA_') || keySpec.startsWith('ECC_');
