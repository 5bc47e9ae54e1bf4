/** The platform's signing key: it signs and shows its public half, and its private half never leaves it (KMS). */
export interface TokenSigner {
  /** The key's id: the tokens' `kid`. */
  readonly keyId: string;
  /** An ES256 signature of `message` as JWS wants it: raw R‖S, 64 bytes. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export interface PublicKeySource {
  readonly keyId: string;
  /** The public key, DER SubjectPublicKeyInfo. */
  publicKey(): Promise<Uint8Array>;
}
