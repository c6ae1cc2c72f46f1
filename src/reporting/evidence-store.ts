import { createHash, randomUUID } from 'node:crypto';
import { type EvidenceBlobs, isStoredEvidenceName } from './evidence-blobs.js';
import type { EvidenceFile } from './report-model.js';

/** The only file types kept, each with the extension its stored file gets. */
export const EVIDENCE_MIME_TYPES: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'application/pdf': 'pdf',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/plain': 'txt',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
};

const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'audio/opus': 'audio/ogg',
  'audio/x-m4a': 'audio/mp4',
  'audio/mp3': 'audio/mpeg',
};

/** A file the reporter sent, already downloaded by the caller. */
export interface EvidenceInput {
  bytes: Buffer;
  /** photo, document, voice, video, audio: how the file is named to the reporter. */
  kind: string;
  mimeType?: string;
  /** The sender's file name: shown to admins, never used as a path. */
  fileName?: string;
  /** What the sender wrote with it (a caption). */
  description?: string;
}

export type EvidenceSaveResult = { ok: true; file: EvidenceFile } | { ok: false; message: string };

/**
 * How old an unreferenced file must be before the orphan sweep removes it. Another worker may have
 * stored it a moment ago and not yet saved the draft that refers to it (seconds, normally); an
 * hour is far beyond that and still short next to the 7 days a draft lives.
 */
export const ORPHAN_GRACE_MS = 3600_000;

/**
 * Evidence as a reporting concern: the content checks (size, magic bytes against an allow-list,
 * never the type the sender declared: a script renamed to `foto.jpg` is refused), generated names
 * (`<uuid>.<ext>`; the sender's file name is kept as metadata only, so `../../etc/passwd` can
 * never become a path) and the orphan sweep. Where the bytes go is {@link EvidenceBlobs}'s
 * business: a directory (DirectoryEvidenceBlobs) or an S3-compatible bucket (S3EvidenceBlobs).
 */
export class EvidenceStore {
  constructor(
    readonly blobs: EvidenceBlobs,
    readonly maxBytes: number,
  ) {}

  /**
   * Checks and stores one file. Failures of the file (size, type) come back as an Indonesian
   * message; a failure of the storage (full or read-only disk, an S3 store that refuses or cannot
   * be reached) rejects with StorageUnavailableError.
   */
  async save(input: EvidenceInput, now: Date = new Date()): Promise<EvidenceSaveResult> {
    const label = evidenceLabel(input.kind, input.fileName);
    const data = input.bytes;
    if (data.length > this.maxBytes) return { ok: false, message: tooBigMessage(label, this.maxBytes) };
    if (data.length === 0) return { ok: false, message: `${capitalize(label)} kosong. Silakan kirim ulang.` };
    const mimeType = resolveMimeType(input, data);
    if (!mimeType) {
      return {
        ok: false,
        message: `Jenis berkas ${label} tidak dapat diterima. Kirim foto (JPG/PNG), PDF, dokumen Word, pesan suara/audio, atau video MP4.`,
      };
    }
    const fileName = `${randomUUID()}.${EVIDENCE_MIME_TYPES[mimeType]}`;
    await this.blobs.put(fileName, data, mimeType);
    const description = input.description ? cleanDescription(input.description) : undefined;
    return {
      ok: true,
      file: {
        fileName,
        mimeType,
        size: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
        originalName: input.fileName ? sanitizeOriginalName(input.fileName) : undefined,
        ...(description ? { description } : {}),
        attachmentKind: input.kind,
        receivedAt: now.toISOString(),
      },
    };
  }

  /** The bytes of a stored file (exports); EvidenceMissingError when the store does not have it. */
  read(fileName: string): Promise<Buffer> {
    return this.blobs.get(fileName);
  }

  /** Removes a stored file (a cancelled draft's evidence). Unknown or foreign names are ignored. */
  async remove(fileName: string): Promise<void> {
    if (!isStoredEvidenceName(fileName)) return;
    await this.blobs.remove(fileName);
  }

  /**
   * Removes files no report or draft refers to: leftovers of a crash, a full disk or a failed
   * delete, and half written `.partial` files. Only files older than {@link ORPHAN_GRACE_MS} go,
   * since workers share the store; with `complete` false (a draft could not be read, so its files
   * are unknown) only those older than `minAgeMs`. Returns how many were removed.
   */
  async removeOrphans(referenced: ReadonlySet<string>, options: { complete: boolean; minAgeMs: number; now?: Date }): Promise<number> {
    const now = (options.now ?? new Date()).getTime();
    let removed = 0;
    for (const entry of await this.blobs.list()) {
      if (!entry.incomplete && referenced.has(entry.name)) continue;
      const age = now - entry.lastModified.getTime();
      const minAge = entry.incomplete || options.complete ? ORPHAN_GRACE_MS : Math.max(ORPHAN_GRACE_MS, options.minAgeMs);
      if (age < minAge) continue;
      await this.blobs.remove(entry.name);
      removed += 1;
    }
    return removed;
  }
}

/**
 * The type the content has, when it is on the allow-list ({@link EVIDENCE_MIME_TYPES}). The
 * declared type only tells apart what the bytes cannot (an MP4 container holding audio, plain
 * text); it never makes unknown content acceptable.
 */
function resolveMimeType(attachment: Pick<EvidenceInput, 'mimeType'>, data: Buffer): string | undefined {
  const declaredRaw = attachment.mimeType?.toLowerCase().split(';')[0]?.trim();
  const declared = declaredRaw ? (ALIASES[declaredRaw] ?? declaredRaw) : undefined;
  const sniffed = sniffContent(data, declared);
  return sniffed && EVIDENCE_MIME_TYPES[sniffed] ? sniffed : undefined;
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1']);

/** What the first bytes (and, for text, all of them) say the content is. */
export function sniffContent(data: Buffer, declared?: string): string | undefined {
  const starts = (bytes: number[], offset = 0) => bytes.every((b, i) => data[offset + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (starts([0x4f, 0x67, 0x67, 0x53])) return 'audio/ogg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (starts([0x66, 0x74, 0x79, 0x70], 4)) {
    const brand = data.subarray(8, 12).toString('latin1');
    if (HEIF_BRANDS.has(brand)) return 'image/heic';
    if (brand === 'qt  ') return 'video/quicktime';
    if (brand.startsWith('M4A') || brand.startsWith('M4B') || declared === 'audio/mp4') return 'audio/mp4';
    return 'video/mp4';
  }
  if (starts([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'application/msword';
  // A .docx is a ZIP holding word/; any other ZIP (an .apk, a .jar) is refused.
  if (starts([0x50, 0x4b, 0x03, 0x04])) return data.includes('word/') ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' : undefined;
  if (starts([0x49, 0x44, 0x33])) return 'audio/mpeg';
  if (data[0] === 0xff && data[1] !== undefined) {
    if ((data[1] & 0xf6) === 0xf0) return 'audio/aac';
    if ((data[1] & 0xe0) === 0xe0) return 'audio/mpeg';
  }
  if (declared === 'text/plain' && isPlainText(data)) return 'text/plain';
  return undefined;
}

/** Valid UTF-8 without NUL or other control characters than tab and line breaks. */
function isPlainText(data: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

/**
 * Characters that must never reach a chat or an admin's screen from a name someone else chose:
 * C0/C1 controls, bidirectional overrides and isolates (which can make `gpj.exe` look like
 * `exe.jpg`), zero-width characters and the byte order mark.
 */
const UNSAFE_DISPLAY_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** `text` without {@link UNSAFE_DISPLAY_CHARS}, for any name shown to people. */
export function stripUnsafeDisplayChars(text: string): string {
  return text.replace(UNSAFE_DISPLAY_CHARS, '');
}

/** The sender's name reduced to a displayable label: no directories, no control or bidi characters, bounded length. */
export function sanitizeOriginalName(name: string): string | undefined {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = stripUnsafeDisplayChars(base).trim().slice(0, 200);
  return cleaned || undefined;
}

/** The Indonesian word for an attachment kind ("foto", "pesan suara"); unknown kinds pass through. */
export function describeKind(kind: string): string {
  const words: Record<string, string> = { photo: 'foto', document: 'dokumen', voice: 'pesan suara', video: 'video', audio: 'audio' };
  return words[kind] ?? kind;
}

/** How a file is named to the reporter: its (cleaned) file name in quotes, or its kind ("foto"). */
export function evidenceLabel(kind: string, fileName: string | undefined): string {
  const shown = fileName ? sanitizeOriginalName(fileName) : undefined;
  return shown ? `"${shown}"` : describeKind(kind);
}

/** The one "too large" sentence, whether the platform said the size or the download showed it. */
export function tooBigMessage(label: string, maxBytes: number): string {
  return `Maaf, ${label} terlalu besar. Ukuran maksimal per berkas ${formatBytes(maxBytes)}. Kirim versi yang lebih kecil, atau kirim tautannya (misalnya Google Drive).`;
}

/** A caption as a one-line description (control and bidi characters dropped, at most 500 characters). */
function cleanDescription(text: string): string | undefined {
  const cleaned = stripUnsafeDisplayChars(text.replace(/\s+/g, ' ')).slice(0, 500).trim();
  return cleaned || undefined;
}

/** "10 MB", "512 KB". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`.replace('.', ',');
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} byte`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
