import { createHash, randomBytes } from 'node:crypto';

/**
 * An API key's secret: `wsc_` + 32 random base62 characters (≈ 190 bits) +
 * a 6-character base62 checksum of what comes before it. The prefix makes a
 * leaked key recognisable (secret scanners), the checksum lets a typo or a
 * truncated paste be refused without reading the database. Only the
 * SHA-256 of the secret is stored: it is high-entropy, so no salt or
 * stretching is needed, and the hash is found by indexed equality.
 */
export const SECRET_PREFIX = 'wsc_';
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** How many characters after `wsc_` the console shows to recognise a key. */
const SHOWN_LENGTH = 6;

export const SECRET_LENGTH = SECRET_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH;
const SECRET_SHAPE = new RegExp(`^${SECRET_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);

/** Uniform base62 characters: bytes ≥ 248 (= 4 × 62) are dropped so no character is likelier than another. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/** The first 4 bytes of SHA-256, in 6 base62 characters (62^6 > 2^32). */
function checksumOf(text: string): string {
  let n = createHash('sha256').update(text).digest().readUInt32BE(0);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function newSecret(): string {
  const head = SECRET_PREFIX + randomBase62(BODY_LENGTH);
  return head + checksumOf(head);
}

/** Whether a string has the shape and checksum of a secret this console made (says nothing of whether the key exists). */
export function isWellFormedSecret(secret: string): boolean {
  if (!SECRET_SHAPE.test(secret)) return false;
  const head = secret.slice(0, -CHECKSUM_LENGTH);
  return checksumOf(head) === secret.slice(-CHECKSUM_LENGTH);
}

/** What the key's document is found by: the secret's SHA-256, in hex. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** What the console shows to recognise a key (`wsc_Ab12Cd`): a few characters, far too few to guess the rest from. */
export const shownPrefix = (secret: string): string => secret.slice(0, SECRET_PREFIX.length + SHOWN_LENGTH);
