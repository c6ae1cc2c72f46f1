import { createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Keyed pseudonyms for people: HMAC-SHA256 under a key derived from the id secret (see
 * id-secret.ts), so an id seen in a log or the question log cannot be reversed by hashing every
 * phone number (as an unkeyed sha256 could, in seconds). Each use gets its own derived key.
 */
export type PseudonymPurpose = 'log' | 'lookup';

function deriveKey(secret: string, purpose: PseudonymPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('netra/pseudonym/v1'), Buffer.from(purpose), 32));
}

/** A keyed hash of `value` for `purpose` under `secret`; 64 hex characters. */
export function keyedHash(secret: string, purpose: PseudonymPurpose, value: string): string {
  return createHmac('sha256', deriveKey(secret, purpose)).update(value, 'utf8').digest('hex');
}

// Until start-up configures the real secret (createNetra), a per-process random one: ids still
// correlate within the process and reveal nothing.
let processSecret = randomBytes(32).toString('base64url');

/** Sets the secret used by {@link pseudonymizeUser}; called once at start with the loaded id secret. */
export function configurePseudonyms(secret: string): void {
  processSecret = secret;
}

/** The secret configured by {@link configurePseudonyms} (or the per-process one), for lookup hashes. */
export function processIdSecret(): string {
  return processSecret;
}

/** The pseudonym of a user or chat id for logs and statistics: 16 hex characters of a keyed HMAC. */
export function pseudonymizeUser(channel: string, id: string): string {
  return keyedHash(processSecret, 'log', `${channel}:${id}`).slice(0, 16);
}
