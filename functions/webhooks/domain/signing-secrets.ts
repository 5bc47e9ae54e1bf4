/** Which sealed secrets sign a delivery now: the current one, and the previous one until its overlap ends. Pure. */

export interface SealedSecretRef {
  readonly ciphertext: string;
  readonly expiresAt?: string;
}

export function secretsSigningAt(
  current: SealedSecretRef,
  previous: SealedSecretRef | undefined,
  now: Date,
): SealedSecretRef[] {
  const previousSigns = previous?.expiresAt !== undefined && Date.parse(previous.expiresAt) > now.getTime();
  return previous && previousSigns ? [current, previous] : [current];
}
