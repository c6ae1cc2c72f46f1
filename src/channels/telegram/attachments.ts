import type { Api } from 'grammy';
import type { Message } from 'grammy/types';
import { AttachmentTooLargeError, type IncomingAttachment } from '../../conversation/messages.js';

/** Where and how files are downloaded. */
export interface FileDownloadOptions {
  api: Api;
  token: string;
  /** Bot API root without a trailing slash; files live under `${apiRoot}/file/bot<token>/<file_path>`. */
  apiRoot: string;
  maxFileBytes: number;
  /** A download that takes longer than this is abandoned. */
  timeoutMs?: number;
}

interface MediaRef {
  kind: IncomingAttachment['kind'];
  fileId: string;
  size?: number;
  mimeType?: string;
  fileName?: string;
}

/**
 * Turns the media of a message (photo, document, voice, video, audio) into attachments whose
 * `load()` fetches the bytes through the Bot API only when the conversation asks for them.
 */
export function extractAttachments(message: Message, options: FileDownloadOptions): IncomingAttachment[] {
  return mediaOf(message).map((ref) => ({
    kind: ref.kind,
    mimeType: ref.mimeType,
    fileName: ref.fileName,
    size: ref.size,
    load: () => downloadFile(ref.fileId, ref.size, options),
  }));
}

function mediaOf(message: Message): MediaRef[] {
  const refs: MediaRef[] = [];
  if (message.photo && message.photo.length > 0) {
    // Telegram lists the sizes smallest first; the evidence should be the sharpest one.
    const largest = message.photo.reduce((a, b) => (area(b) > area(a) ? b : a));
    refs.push({ kind: 'photo', fileId: largest.file_id, size: largest.file_size, mimeType: 'image/jpeg' });
  }
  const d = message.document;
  if (d) refs.push({ kind: 'document', fileId: d.file_id, size: d.file_size, mimeType: d.mime_type, fileName: d.file_name });
  const v = message.voice;
  if (v) refs.push({ kind: 'voice', fileId: v.file_id, size: v.file_size, mimeType: v.mime_type ?? 'audio/ogg' });
  const vid = message.video;
  if (vid) refs.push({ kind: 'video', fileId: vid.file_id, size: vid.file_size, mimeType: vid.mime_type, fileName: vid.file_name });
  const a = message.audio;
  if (a) refs.push({ kind: 'audio', fileId: a.file_id, size: a.file_size, mimeType: a.mime_type, fileName: a.file_name });
  return refs;
}

function area(p: { width: number; height: number }): number {
  return p.width * p.height;
}

async function downloadFile(fileId: string, knownSize: number | undefined, o: FileDownloadOptions): Promise<Buffer> {
  if (knownSize !== undefined && knownSize > o.maxFileBytes) throw new AttachmentTooLargeError(o.maxFileBytes, knownSize);
  const file = await o.api.getFile(fileId);
  if (file.file_size !== undefined && file.file_size > o.maxFileBytes) {
    throw new AttachmentTooLargeError(o.maxFileBytes, file.file_size);
  }
  if (!file.file_path) throw new Error('Telegram tidak memberikan lokasi berkas untuk diunduh.');
  const path = file.file_path.split('/').map(encodeURIComponent).join('/');
  // The URL carries the bot token: it must never reach a log or an error message.
  const response = await fetch(`${o.apiRoot}/file/bot${o.token}/${path}`, {
    signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
  });
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new Error(`Gagal mengunduh berkas dari Telegram (HTTP ${response.status}).`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > o.maxFileBytes) {
    await response.body.cancel();
    throw new AttachmentTooLargeError(o.maxFileBytes, declared);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > o.maxFileBytes) {
      await reader.cancel();
      throw new AttachmentTooLargeError(o.maxFileBytes, total);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}
