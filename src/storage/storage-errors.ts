/** What is wrong with the data directory or the database. */
export type StorageProblem = 'read_only' | 'disk_full' | 'locked' | 'unavailable';

const MESSAGES: Record<StorageProblem, string> = {
  read_only: 'Penyimpanan Netra sedang tidak dapat ditulisi (hanya-baca).',
  disk_full: 'Penyimpanan Netra penuh.',
  locked: 'Penyimpanan Netra sedang dipakai proses lain dan belum bisa ditulisi.',
  unavailable: 'Penyimpanan Netra sedang bermasalah.',
};

/**
 * A write (or read) that failed because of the storage, not because of the input: a read-only or
 * full data directory, a lock another process held too long, an I/O error. Callers catch it to
 * tell the user that nothing was saved (see {@link userMessage}); `/healthz` reports it too.
 * `cause` keeps the original error for the operator's log; the message never contains data.
 */
export class StorageUnavailableError extends Error {
  constructor(
    readonly problem: StorageProblem,
    /** The SQLite, PostgreSQL (SQLSTATE) or errno code, e.g. SQLITE_FULL, EROFS, 53100. */
    readonly code: string | undefined,
    options?: { cause?: unknown; hint?: string },
  ) {
    super(`${MESSAGES[problem]}${code ? ` (${code})` : ''}`, options);
    this.name = 'StorageUnavailableError';
    this.hint = options?.hint;
  }

  /**
   * What the operator should check, in Indonesian, when the cause is known (e.g. which variable
   * holds a refused S3 key). For the log only: never a secret, never shown to a reporter.
   */
  readonly hint: string | undefined;

  /** One Indonesian sentence for the user: what happened and what to do. */
  get userMessage(): string {
    return `${MESSAGES[this.problem]} Data Anda belum tersimpan. Silakan coba lagi beberapa saat lagi; bila tetap gagal, hubungi admin Netra.`;
  }
}

const SQLITE: [RegExp, StorageProblem][] = [
  [/^SQLITE_READONLY/, 'read_only'],
  [/^SQLITE_FULL$/, 'disk_full'],
  [/^SQLITE_(BUSY|LOCKED)/, 'locked'],
  [/^SQLITE_(IOERR|CANTOPEN|CORRUPT|NOTADB|PERM)/, 'unavailable'],
];
/** PostgreSQL SQLSTATE codes (and classes) that are the server's state, not the statement's fault. */
const POSTGRES: [RegExp, StorageProblem][] = [
  [/^25006$/, 'read_only'], // read_only_sql_transaction (a standby, default_transaction_read_only)
  [/^53100$/, 'disk_full'],
  [/^(40001|40P01|55P03)$/, 'locked'], // serialization failure, deadlock, lock not available
  [/^(08...|53...|57P0[1-4]|58...|XX...)$/, 'unavailable'], // connection, resources, shutdown, I/O
];
const ERRNO: Record<string, StorageProblem> = {
  ECONNREFUSED: 'unavailable',
  ECONNRESET: 'unavailable',
  ETIMEDOUT: 'unavailable',
  ENOTFOUND: 'unavailable',
  EAI_AGAIN: 'unavailable',
  EROFS: 'read_only',
  EACCES: 'read_only',
  EPERM: 'read_only',
  ENOSPC: 'disk_full',
  EDQUOT: 'disk_full',
  EIO: 'unavailable',
};

/** The storage problem behind `err`, or undefined when it is something else (a bug, bad input). */
export function toStorageError(err: unknown): StorageUnavailableError | undefined {
  if (err instanceof StorageUnavailableError) return err;
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const sqlite = SQLITE.find(([re]) => re.test(code));
  if (sqlite) return new StorageUnavailableError(sqlite[1], code, { cause: err });
  const postgres = POSTGRES.find(([re]) => re.test(code));
  if (postgres) return new StorageUnavailableError(postgres[1], code, { cause: err });
  const errno = ERRNO[code];
  return errno ? new StorageUnavailableError(errno, code, { cause: err }) : undefined;
}

/** True for "another connection holds the write lock": worth waiting for, unlike a full disk. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}
