import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { secureFiles } from '../storage/secure-files.js';

/** Where the generated secret lives inside the data directory. */
export const ID_SECRET_FILE = 'id-secret';

const StoredSecret = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().regex(/^[A-Za-z0-9+/=_-]{32,}$/, 'bukan rahasia yang dibuat Netra'));

export interface IdSecret {
  secret: string;
  /** Where it came from: the environment, the data directory, or created just now. */
  source: 'env' | 'file' | 'generated';
}

/**
 * The secret behind every pseudonymous id (user and chat ids in logs and the question log, the
 * lookup hash of a reporter's chat): `NETRA_ID_SECRET` when set, otherwise a random secret
 * generated once and kept in `<dataDir>/id-secret` (mode 0600). It is separate from
 * REPORTS_ENCRYPTION_KEY, so rotating that key does not change any id. Losing the file only
 * breaks the link between old and new pseudonyms (and `/status` lookups of earlier reports).
 */
export function loadIdSecret(dataDir: string, fromEnv?: string): IdSecret {
  if (fromEnv) return { secret: fromEnv, source: 'env' };
  const file = path.join(dataDir, ID_SECRET_FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    const parsed = StoredSecret.safeParse(fs.readFileSync(file, 'utf8'));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]?.message}. Hapus berkas itu agar Netra membuat yang baru, atau atur NETRA_ID_SECRET.`);
    secureFiles(file);
    return { secret: parsed.data, source: 'file' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx': two processes starting together must not each write their own secret.
    fs.writeFileSync(file, `${secret}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadIdSecret(dataDir);
    throw err;
  }
  return { secret, source: 'generated' };
}
