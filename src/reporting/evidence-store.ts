import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AttachmentTooLargeError, type IncomingAttachment } from '../conversation/messages.js';
import { toStorageError } from '../storage/storage-errors.js';
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

/** Names this store generates; anything else is refused as a path. */
const STORED_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[a-z0-9]{2,5}$/;

export type EvidenceSaveResult = { ok: true; file: EvidenceFile } | { ok: false; message: string };

/** A file being written: renamed to its stored name only when complete, so a crash or ENOSPC leaves no half file under a real name. */
const PARTIAL_NAME = /^\.[0-9a-f-]{36}\.partial$/;

/**
 * Writes evidence files under one directory with generated names (`<uuid>.<ext>`). The sender's
 * file name is kept as metadata only, so a name like `../../etc/passwd` can never become a path.
 * The type is decided by the content (magic bytes, checked against an allow-list), never by the
 * type the sender declared: a script renamed to `foto.jpg` is refused.
 */
export class EvidenceStore {
  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /** Checks, downloads and stores one attachment. Failures come back as an Indonesian message, not an exception. */
  async saveAttachment(attachment: IncomingAttachment, now: Date = new Date()): Promise<EvidenceSaveResult> {
    const shownName = attachment.fileName ? sanitizeOriginalName(attachment.fileName) : undefined;
    const label = shownName ? `"${shownName}"` : describeKind(attachment.kind);
    // Refuse before downloading when the platform already tells the size.
    if (attachment.size !== undefined && attachment.size > this.maxBytes) return { ok: false, message: tooBig(label, this.maxBytes) };
    let data: Buffer;
    try {
      data = await attachment.load();
    } catch (err) {
      if (err instanceof AttachmentTooLargeError) return { ok: false, message: tooBig(label, this.maxBytes) };
      return { ok: false, message: `Maaf, ${label} gagal diunduh. Silakan kirim ulang.` };
    }
    if (data.length > this.maxBytes) return { ok: false, message: tooBig(label, this.maxBytes) };
    if (data.length === 0) return { ok: false, message: `${capitalize(label)} kosong. Silakan kirim ulang.` };
    const mimeType = resolveMimeType(attachment, data);
    if (!mimeType) {
      return {
        ok: false,
        message: `Jenis berkas ${label} tidak dapat diterima. Kirim foto (JPG/PNG), PDF, dokumen Word, pesan suara/audio, atau video MP4.`,
      };
    }
    const file = this.write(data, mimeType);
    return {
      ok: true,
      file: { ...file, originalName: shownName, attachmentKind: attachment.kind, receivedAt: now.toISOString() },
    };
  }

  /** Removes a stored file (a cancelled draft's evidence). Unknown or foreign names are ignored. */
  remove(fileName: string): void {
    if (!STORED_NAME.test(fileName)) return;
    fs.rmSync(path.join(this.dir, fileName), { force: true });
  }

  /**
   * Removes files no report or draft refers to: leftovers of a crash or a full disk, and half
   * written `.partial` files. With `complete` false (a draft could not be read, so its files are
   * unknown) only files older than `minAgeMs` go. Returns how many were removed.
   */
  removeOrphans(referenced: ReadonlySet<string>, options: { complete: boolean; minAgeMs: number; now?: Date }): number {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    const now = (options.now ?? new Date()).getTime();
    let removed = 0;
    for (const name of names) {
      const partial = PARTIAL_NAME.test(name);
      if (!partial && (!STORED_NAME.test(name) || referenced.has(name))) continue;
      const file = path.join(this.dir, name);
      if (!partial && !options.complete && now - fs.statSync(file).mtimeMs < options.minAgeMs) continue;
      fs.rmSync(file, { force: true });
      removed += 1;
    }
    return removed;
  }

  /** The absolute path of a stored file; throws for a name this store did not generate. */
  pathOf(fileName: string): string {
    if (!STORED_NAME.test(fileName)) throw new Error('Nama berkas bukti tidak valid.');
    return path.join(this.dir, fileName);
  }

  private write(data: Buffer, mimeType: string): Pick<EvidenceFile, 'fileName' | 'mimeType' | 'size' | 'sha256'> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const id = randomUUID();
    const fileName = `${id}.${EVIDENCE_MIME_TYPES[mimeType]}`;
    const partial = path.join(this.dir, `.${id}.partial`);
    try {
      // 'wx': never overwrite; 0600: evidence can identify people.
      fs.writeFileSync(partial, data, { flag: 'wx', mode: 0o600 });
      fs.renameSync(partial, path.join(this.dir, fileName));
    } catch (err) {
      fs.rmSync(partial, { force: true });
      throw toStorageError(err) ?? err;
    }
    return { fileName, mimeType, size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  }
}

/**
 * The type the content has, when it is on the allow-list ({@link EVIDENCE_MIME_TYPES}). The
 * declared type only tells apart what the bytes cannot (an MP4 container holding audio, plain
 * text); it never makes unknown content acceptable.
 */
function resolveMimeType(attachment: IncomingAttachment, data: Buffer): string | undefined {
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

function tooBig(label: string, maxBytes: number): string {
  return `Maaf, ${label} terlalu besar. Ukuran maksimal per berkas ${formatBytes(maxBytes)}. Kirim versi yang lebih kecil, atau kirim tautannya (misalnya Google Drive).`;
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
