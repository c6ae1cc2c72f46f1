import { StorageUnavailableError } from '../storage-errors.js';

/**
 * What a failed S3 call means for Netra, as the storage error every caller already handles: the
 * reporter hears "penyimpanan … bermasalah, isian yang sudah tersimpan tidak hilang", the operator's
 * log gets `S3:<code>` and a hint naming the variable to check. Nothing here holds a secret.
 */
export function s3StorageError(status: number | undefined, code: string | undefined, cause?: unknown): StorageUnavailableError {
  const shown = `S3:${code ?? status ?? 'network'}`;
  const make = (problem: 'unavailable' | 'disk_full', hint: string) => new StorageUnavailableError(problem, shown, { cause, hint });
  switch (code) {
    case 'SignatureDoesNotMatch':
    case 'InvalidAccessKeyId':
    case 'InvalidClientTokenId':
    case 'InvalidToken':
    case 'ExpiredToken':
      return make('unavailable', 'penyimpanan bukti S3 menolak kunci akses: periksa EVIDENCE_S3_ACCESS_KEY_ID dan EVIDENCE_S3_SECRET_ACCESS_KEY');
    case 'AccessDenied':
      return make('unavailable', 'kunci akses S3 tidak berhak atas bucket/prefiks ini: periksa izin kunci untuk EVIDENCE_S3_BUCKET dan EVIDENCE_S3_PREFIX');
    case 'RequestTimeTooSkewed':
      return make('unavailable', 'jam server berbeda terlalu jauh dari jam penyimpanan S3: sinkronkan jam (NTP)');
    case 'NoSuchBucket':
      return make('unavailable', 'bucket tidak ada: periksa EVIDENCE_S3_BUCKET (dan EVIDENCE_S3_ENDPOINT)');
    case 'AuthorizationHeaderMalformed':
    case 'PermanentRedirect':
    case 'IllegalLocationConstraintException':
      return make('unavailable', 'wilayah atau alamat bucket salah: periksa EVIDENCE_S3_REGION, EVIDENCE_S3_ENDPOINT dan EVIDENCE_S3_FORCE_PATH_STYLE');
    case 'QuotaExceeded':
    case 'XMinioStorageFull':
    case 'XMinioAdminBucketQuotaExceeded':
      return make('disk_full', 'penyimpanan S3 penuh atau kuotanya habis');
    default:
      break;
  }
  if (status === 507) return make('disk_full', 'penyimpanan S3 penuh');
  if (status === 403) return make('unavailable', 'penyimpanan bukti S3 menolak permintaan: periksa kunci akses dan izin bucket');
  if (status !== undefined && status >= 300 && status < 400) {
    return make('unavailable', 'penyimpanan S3 mengalihkan permintaan: periksa EVIDENCE_S3_REGION, EVIDENCE_S3_ENDPOINT dan EVIDENCE_S3_FORCE_PATH_STYLE');
  }
  if (status === undefined) return make('unavailable', 'penyimpanan bukti S3 tidak terjangkau (jaringan atau batas waktu): periksa EVIDENCE_S3_ENDPOINT');
  if (status >= 500 || status === 429) return make('unavailable', 'penyimpanan bukti S3 sedang tidak tersedia (dicoba ulang, tetap gagal)');
  return make('unavailable', `penyimpanan bukti S3 menolak permintaan (${code ?? status})`);
}

/** Codes that mean the configuration is wrong (keys, bucket, region), not that the store is down for a moment. */
const CONFIGURATION_CODES = /^S3:(SignatureDoesNotMatch|InvalidAccessKeyId|InvalidClientTokenId|InvalidToken|ExpiredToken|AccessDenied|NoSuchBucket|AuthorizationHeaderMalformed|PermanentRedirect|IllegalLocationConstraintException|RequestTimeTooSkewed|3\d\d|400|403)$/;

/** Whether `err` says the S3 settings are wrong: worth stopping the start for, unlike an outage. */
export function isS3ConfigurationError(err: StorageUnavailableError): boolean {
  return CONFIGURATION_CODES.test(err.code ?? '');
}
