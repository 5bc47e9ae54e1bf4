/**
 * The platform's signing key in KMS (PLATFORM_SIGNING_KEY_ARN, `ECC_NIST_P256`, `SIGN_VERIFY`): `Sign` with
 * `ECDSA_SHA_256` over the raw message, whose DER answer becomes the raw R‖S a JWS carries; and `GetPublicKey` for the
 * key set the platform publishes. Sign and GetPublicKey: https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html
 */
import { SignCommand } from '@aws-sdk/client-kms';
import { kms } from '../../../shared/auth/kms-client.js';
import { keyIdOf, kmsPublicKey } from '../../../shared/auth/platform-keys.js';
import { requiredEnv } from '../../../shared/environment.js';
import { derToJoseSignature } from '../domain/platform-token.js';
import type { PublicKeySource, TokenSigner } from '../ports/token-signer.js';

export function kmsTokenSigner(keyArn = requiredEnv('PLATFORM_SIGNING_KEY_ARN')): TokenSigner {
  return {
    keyId: keyIdOf(keyArn),
    async sign(message) {
      const answer = await kms().send(
        // RAW: KMS hashes the message with SHA-256 itself (messages up to 4096 bytes; a token is far below that).
        new SignCommand({ KeyId: keyArn, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }),
      );
      if (!answer.Signature) throw new Error(`KMS answered no signature for ${keyArn}`);
      return derToJoseSignature(answer.Signature);
    },
  };
}

export function kmsPublicKeySource(keyArn = requiredEnv('PLATFORM_SIGNING_KEY_ARN')): PublicKeySource {
  let cached: Promise<Uint8Array> | undefined;
  return {
    keyId: keyIdOf(keyArn),
    publicKey() {
      if (!cached) {
        const loading = kmsPublicKey(keyArn);
        loading.catch(() => {
          if (cached === loading) cached = undefined;
        });
        cached = loading;
      }
      return cached;
    },
  };
}
