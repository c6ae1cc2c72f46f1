import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EvidenceFile } from './report-model.js';

/** A file the reporter sent, already downloaded by the caller. */
export interface EvidenceInput {
  bytes: Buffer;
  /** photo, document, voice, video, audio: decides the fallback type and how it is named. */
  kind: string;
  mimeType?: string;
  /** The sender's file name: shown to admins, never used as a path. */
  fileName?: string;
  /** What the sender wrote with it (a caption). */
  description?: string;
}

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

/**
 * Writes evidence files under one directory with generated names (`<uuid>.<ext>`). The sender's
 * file name is kept as metadata only, so a name like `../../etc/passwd` can never become a path.
 */
export class EvidenceStore {
  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /** Checks and stores one file. Failures come back as an Indonesian message, not an exception. */
  save(input: EvidenceInput, now: Date = new Date()): EvidenceSaveResult {
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
    const file = this.write(data, mimeType);
    const description = input.description ? cleanDescription(input.description) : undefined;
    return {
      ok: true,
      file: {
        ...file,
        originalName: input.fileName ? sanitizeOriginalName(input.fileName) : undefined,
        ...(description ? { description } : {}),
        attachmentKind: input.kind,
        receivedAt: now.toISOString(),
      },
    };
  }

  /** Removes a stored file (a cancelled draft's evidence). Unknown or foreign names are ignored. */
  remove(fileName: string): void {
    if (!STORED_NAME.test(fileName)) return;
    fs.rmSync(path.join(this.dir, fileName), { force: true });
  }

  /** The absolute path of a stored file; throws for a name this store did not generate. */
  pathOf(fileName: string): string {
    if (!STORED_NAME.test(fileName)) throw new Error('Nama berkas bukti tidak valid.');
    return path.join(this.dir, fileName);
  }

  private write(data: Buffer, mimeType: string): Pick<EvidenceFile, 'fileName' | 'mimeType' | 'size' | 'sha256'> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const fileName = `${randomUUID()}.${EVIDENCE_MIME_TYPES[mimeType]}`;
    // 'wx': never overwrite; 0600: evidence can identify people.
    fs.writeFileSync(path.join(this.dir, fileName), data, { flag: 'wx', mode: 0o600 });
    return { fileName, mimeType, size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  }
}

/**
 * The declared type when it is on the whitelist, otherwise what the first bytes say, otherwise
 * the platform's usual type for that kind (Telegram photos are JPEG, voice notes Ogg/Opus).
 */
function resolveMimeType(attachment: Pick<EvidenceInput, 'kind' | 'mimeType'>, data: Buffer): string | undefined {
  const declared = attachment.mimeType?.toLowerCase().split(';')[0]?.trim();
  const normalised = declared ? (ALIASES[declared] ?? declared) : undefined;
  if (normalised && EVIDENCE_MIME_TYPES[normalised]) return normalised;
  const sniffed = sniff(data);
  if (sniffed) return sniffed;
  if (normalised) return undefined;
  if (attachment.kind === 'photo') return 'image/jpeg';
  if (attachment.kind === 'voice') return 'audio/ogg';
  return undefined;
}

function sniff(data: Buffer): string | undefined {
  const starts = (bytes: number[], offset = 0) => bytes.every((b, i) => data[offset + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (starts([0x4f, 0x67, 0x67, 0x53])) return 'audio/ogg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (starts([0x66, 0x74, 0x79, 0x70], 4)) return 'video/mp4';
  return undefined;
}

/** The sender's name reduced to a displayable label: no directories, no control characters, bounded length. */
export function sanitizeOriginalName(name: string): string | undefined {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001F\u007F]/g, '').trim().slice(0, 200);
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

function cleanDescription(text: string): string | undefined {
  const cleaned = text.replace(/[\u0000-\u001F\u007F]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 500);
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
