/**
 * Where evidence bytes live, behind four calls, so the reporting domain does not know whether
 * that is a directory every worker mounts or an S3-compatible bucket. Implementations accept only
 * names {@link isStoredEvidenceName} allows (the ones EvidenceStore generates) and report failures
 * of the store itself as StorageUnavailableError, so a reporter is told "penyimpanan … bermasalah"
 * and the draft stays as it was.
 */
export interface EvidenceBlobs {
  /** `dir` or `s3`, for /healthz and the log. */
  readonly kind: 'dir' | 's3';
  /** Stores `bytes` under `name`, whole or not at all (never a half file under a real name). */
  put(name: string, bytes: Buffer, mimeType: string): Promise<void>;
  /** The bytes stored under `name`; {@link EvidenceMissingError} when there are none. */
  get(name: string): Promise<Buffer>;
  /** Removes `name`; a name that is not there is no error. */
  remove(name: string): Promise<void>;
  /**
   * Every entry the store holds under a generated name, with when it was last written. Entries
   * marked `incomplete` are writes that never finished (a crash mid-file); only the directory
   * store has them.
   */
  list(): Promise<EvidenceBlobEntry[]>;
  /** Throws StorageUnavailableError when the store cannot be written or reached now (for /healthz). */
  probe(): Promise<void>;
}

export interface EvidenceBlobEntry {
  name: string;
  lastModified: Date;
  incomplete?: true;
}

/** Names EvidenceStore generates (`<uuid>.<ext>`); anything else is refused as a name or path. */
const STORED_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[a-z0-9]{2,5}$/;

/** Whether `name` is one EvidenceStore generates. */
export function isStoredEvidenceName(name: string): boolean {
  return STORED_NAME.test(name);
}

/** Thrown for a name a caller made up: a bug or an attack, never a reporter's mistake. */
export function assertStoredEvidenceName(name: string): void {
  if (!STORED_NAME.test(name)) throw new Error('Nama berkas bukti tidak valid.');
}

/** A stored report refers to a file the store does not have (deleted by hand, another bucket). */
export class EvidenceMissingError extends Error {
  constructor(readonly fileName: string) {
    super(`Berkas bukti ${fileName} tidak ditemukan di penyimpanan bukti.`);
    this.name = 'EvidenceMissingError';
  }
}
