/**
 * A request the Graph API refused or could not answer. Keeps what an operator needs to act —
 * the HTTP status, Meta's error code and a hint in Indonesian — and never the access token, the
 * request body or a phone number (long digit runs in Meta's message are masked).
 */
export class GraphApiError extends Error {
  constructor(
    /** What Netra was doing: `send`, `media`, `download`. */
    readonly operation: string,
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** Meta's `error.code` (e.g. 131047 outside the service window), when the body had one. */
    readonly code: number | undefined,
    detail: string,
    /** Whether trying again later may succeed (429, 5xx, a refused connection). */
    readonly retryable: boolean,
    /** Seconds Meta asked to wait (`Retry-After`), when it did. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`Graph API ${operation}: ${status === 0 ? 'tidak terjangkau' : `HTTP ${status}`}${code !== undefined ? ` (kode ${code})` : ''} — ${maskDigits(detail)}. ${hintFor(status, code)}`.trim());
    this.name = 'GraphApiError';
  }
}

/** Meta's error code for a free-form message to a user whose 24-hour window has closed. */
export const OUTSIDE_WINDOW_CODE = 131047;

function hintFor(status: number, code: number | undefined): string {
  if (status === 0) return 'Periksa koneksi server ke WHATSAPP_CLOUD_API_BASE_URL.';
  if (status === 401 || code === 190) return 'Token ditolak: periksa WHATSAPP_CLOUD_ACCESS_TOKEN (token permanen System User, izin whatsapp_business_messaging).';
  if (code === OUTSIDE_WINDOW_CODE) return 'Di luar jendela layanan 24 jam: hanya template yang disetujui yang boleh dikirim (WHATSAPP_CLOUD_STATUS_TEMPLATE).';
  if (code === 132001) return 'Template tidak ditemukan atau belum disetujui untuk bahasa itu: periksa WHATSAPP_CLOUD_STATUS_TEMPLATE.';
  if (status === 404 || code === 100) return 'Periksa WHATSAPP_CLOUD_PHONE_NUMBER_ID dan versi Graph API di WHATSAPP_CLOUD_API_BASE_URL.';
  if (status === 429) return 'Batas kiriman Meta tercapai; Netra mencoba lagi dengan jeda.';
  return '';
}

/** Phone numbers and WhatsApp ids never reach a log line. */
export function maskDigits(text: string): string {
  return text.replace(/\d{7,}/g, '[id]');
}
