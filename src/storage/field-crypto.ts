import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scryptSync } from 'node:crypto';
import { keyedHash, processIdSecret } from '../privacy/pseudonym.js';

/**
 * Encrypts single values (a reporter's identity, a chat id, a draft) before they are written to
 * SQLite. Without a key it passes values through unchanged: Netra still works, but personal data
 * then sits in the database as plaintext — the operator is expected to set REPORTS_ENCRYPTION_KEY.
 */
export interface FieldSealer {
  /** True when values are really encrypted (a key was configured). */
  readonly encrypted: boolean;
  /**
   * Encrypts `plain`. `context` is bound to the ciphertext (AES-GCM additional data), so a value
   * copied to another row (another ticket, another chat) no longer decrypts.
   */
  seal(plain: string, context: string): string;
  /** Reverses {@link seal}. Plaintext written before a key was configured is returned as is. Throws {@link SealError}. */
  open(stored: string, context: string): string;
  /** True when `stored` is ciphertext (whether or not this sealer can open it). */
  isSealed(stored: string): boolean;
  /**
   * A stable lookup hash of `value`, for finding rows without storing the value: a keyed HMAC
   * under the id secret (NETRA_ID_SECRET or the generated one), independent of the encryption
   * key, so changing REPORTS_ENCRYPTION_KEY never breaks a lookup.
   */
  lookupHash(value: string): string;
  /** The lookup hash rows written before the id secret existed carry (keyed by the encryption key, or unkeyed). */
  legacyLookupHash(value: string): string;
}

/** A sealed value cannot be opened: the key is missing or different, or the value was tampered with. */
export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

const PREFIX = 'enc:v1:';
// A fixed, application-specific salt: the key string is the secret; the salt only separates
// Netra's derived keys from any other use of the same string.
const SALT = 'netra/reports/field-crypto/v1';
const derived = new Map<string, { enc: Buffer; mac: Buffer }>();

function deriveKeys(secret: string): { enc: Buffer; mac: Buffer } {
  let keys = derived.get(secret);
  if (!keys) {
    // scrypt rather than a bare hash: the configured string may be a passphrase, not 32 random bytes.
    const material = scryptSync(secret, SALT, 64, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    keys = { enc: material.subarray(0, 32), mac: material.subarray(32, 64) };
    derived.set(secret, keys);
  }
  return keys;
}

/**
 * Builds a sealer for the configured key (`REPORTS_ENCRYPTION_KEY`; `undefined` = no encryption)
 * and the id secret for lookup hashes (by default the one configured at start, see
 * configurePseudonyms; captured now, so a sealer keeps hashing the same way).
 */
export function createFieldSealer(secret?: string, lookupSecret: string = processIdSecret()): FieldSealer {
  const keys = secret ? deriveKeys(secret) : undefined;
  return {
    encrypted: keys !== undefined,
    seal(plain, context) {
      if (!keys) return plain; // Deliberately plaintext: no key configured (see the interface doc).
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys.enc, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${PREFIX}${iv.toString('base64')}:${tag.toString('base64')}:${body.toString('base64')}`;
    },
    open(stored, context) {
      if (!stored.startsWith(PREFIX)) return stored;
      if (!keys) throw new SealError('Data terenkripsi, tetapi REPORTS_ENCRYPTION_KEY tidak diatur.');
      const [ivB64, tagB64, bodyB64] = stored.slice(PREFIX.length).split(':');
      if (ivB64 === undefined || tagB64 === undefined || bodyB64 === undefined) {
        throw new SealError('Format data terenkripsi tidak dikenal.');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', keys.enc, Buffer.from(ivB64, 'base64'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tagB64, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(bodyB64, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        throw new SealError('Data terenkripsi tidak dapat dibuka: kunci REPORTS_ENCRYPTION_KEY berbeda atau data rusak.');
      }
    },
    isSealed(stored) {
      return stored.startsWith(PREFIX);
    },
    lookupHash(value) {
      return keyedHash(lookupSecret, 'lookup', value);
    },
    legacyLookupHash(value) {
      return keys
        ? createHmac('sha256', keys.mac).update(value, 'utf8').digest('hex')
        : createHash('sha256').update(`netra:lookup:${value}`, 'utf8').digest('hex');
    },
  };
}
