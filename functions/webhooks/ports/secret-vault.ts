/**
 * Seals signing secrets with the webhooks' KMS key, bound to their tenant and webhook (the encryption context): a
 * ciphertext copied onto another webhook does not open. Registration and rotation may only seal; the deliverer alone
 * may open.
 */
export interface SecretOwner {
  readonly tenantId: string;
  readonly webhookId: string;
}

export interface SecretSealer {
  seal(secret: string, owner: SecretOwner): Promise<string>;
}

export interface SecretOpener {
  open(ciphertext: string, owner: SecretOwner): Promise<string>;
}
