/**
 * RSASSA-PSS over a precomputed digest (`MessageType: DIGEST`): Node's `crypto.sign` always hashes its input, so the
 * encoding of RFC 8017 section 9.1 (EMSA-PSS, MGF1 with the same hash, a salt as long as the digest) is done here and
 * the RSA operation runs unpadded.
 */
import { constants, createHash, type KeyObject, privateEncrypt, publicDecrypt, randomBytes } from 'node:crypto';

function mgf1(hash: string, seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * seed.length < length; counter++) {
    const suffix = Buffer.alloc(4);
    suffix.writeUInt32BE(counter);
    blocks.push(createHash(hash).update(seed).update(suffix).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

const modulusBits = (key: KeyObject) => key.asymmetricKeyDetails?.modulusLength ?? 0;

/** H = Hash(0x00 x 8 || mHash || salt). */
const saltedHash = (hash: string, digest: Buffer, salt: Buffer) =>
  createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();

export function signPssDigest(privateKey: KeyObject, hash: string, digest: Buffer): Buffer {
  const bits = modulusBits(privateKey);
  const emBits = bits - 1;
  const emLength = Math.ceil(emBits / 8);
  const salt = randomBytes(digest.length);
  const h = saltedHash(hash, digest, salt);
  const db = Buffer.concat([Buffer.alloc(emLength - salt.length - h.length - 2), Buffer.from([1]), salt]);
  const mask = mgf1(hash, h, db.length);
  const maskedDb = Buffer.from(db.map((byte, index) => byte ^ (mask[index] as number)));
  maskedDb[0] = (maskedDb[0] as number) & (0xff >> (8 * emLength - emBits));
  const encoded = Buffer.concat([maskedDb, h, Buffer.from([0xbc])]);
  const modulusBytes = Math.ceil(bits / 8);
  const padded = Buffer.concat([Buffer.alloc(modulusBytes - encoded.length), encoded]);
  return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, padded);
}

export function verifyPssDigest(publicKey: KeyObject, hash: string, digest: Buffer, signature: Buffer): boolean {
  const bits = modulusBits(publicKey);
  const emBits = bits - 1;
  const emLength = Math.ceil(emBits / 8);
  const recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);
  const encoded = recovered.subarray(recovered.length - emLength);
  if (encoded[encoded.length - 1] !== 0xbc) return false;
  const maskedDb = encoded.subarray(0, emLength - digest.length - 1);
  const h = encoded.subarray(emLength - digest.length - 1, emLength - 1);
  const mask = mgf1(hash, h, maskedDb.length);
  const db = Buffer.from(maskedDb.map((byte, index) => byte ^ (mask[index] as number)));
  db[0] = (db[0] as number) & (0xff >> (8 * emLength - emBits));
  const separator = db.length - digest.length - 1;
  if (db.subarray(0, separator).some((byte) => byte !== 0) || db[separator] !== 1) return false;
  return saltedHash(hash, digest, db.subarray(separator + 1)).equals(h);
}
