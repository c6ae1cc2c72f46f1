import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChannelName, IncomingAttachment, IncomingMessage, Notifier, OutgoingMessage } from '../../src/conversation/messages.js';
import { NotifierRegistry } from '../../src/conversation/notifier-registry.js';
import { openDatabase, type NetraDatabase } from '../../src/storage/database.js';
import { ReportingService } from '../../src/reporting/reporting-service.js';

/** A notifier that keeps what it was asked to send. */
export class RecordingNotifier implements Notifier {
  readonly sent: { chatId: string; text: string }[] = [];
  constructor(readonly channel: ChannelName) {}
  async send(chatId: string, text: string): Promise<void> {
    this.sent.push({ chatId, text });
  }
}

export const KINDS = [
  { id: 'medsos', label: 'Kampanye di media sosial' },
  { id: 'atribut', label: 'Memakai atribut calon' },
];

/** Tuesday 20 February 2024, 10:00 WIB. */
export const NOW = new Date('2024-02-20T03:00:00Z');

export const ADMIN_CHAT = '-1001234';

export interface TestEnv {
  dir: string;
  dbPath: string;
  evidenceDir: string;
  db: NetraDatabase;
  registry: NotifierRegistry;
  telegram: RecordingNotifier;
  whatsapp: RecordingNotifier;
  clock: { now: Date };
  service(options?: { key?: string; maxEvidenceBytes?: number; admin?: boolean }): ReportingService;
  /** Closes the connection and opens a new one on the same file (a process restart). */
  restart(): void;
  cleanup(): void;
}

export function makeEnv(options: { key?: string } = {}): TestEnv {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-report-'));
  const dbPath = path.join(dir, 'data', 'netra.sqlite');
  const evidenceDir = path.join(dir, 'data', 'evidence');
  const registry = new NotifierRegistry();
  const telegram = new RecordingNotifier('telegram');
  const whatsapp = new RecordingNotifier('whatsapp');
  registry.register(telegram);
  registry.register(whatsapp);
  const clock = { now: NOW };
  const env: TestEnv = {
    dir,
    dbPath,
    evidenceDir,
    db: openDatabase(dbPath),
    registry,
    telegram,
    whatsapp,
    clock,
    service(o = {}) {
      return new ReportingService({
        db: env.db,
        evidenceDir,
        encryptionKey: o.key ?? options.key,
        maxEvidenceBytes: o.maxEvidenceBytes ?? 1024 * 1024,
        notifiers: registry,
        adminTarget: o.admin === false ? undefined : { channel: 'telegram', chatId: ADMIN_CHAT },
        kinds: KINDS,
        now: () => clock.now,
      });
    },
    restart() {
      env.db.close();
      env.db = openDatabase(dbPath);
    },
    cleanup() {
      try {
        env.db.close();
      } catch {
        /* already closed */
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return env;
}

export function msg(chatId: string, text: string, extra: Partial<IncomingMessage> = {}): IncomingMessage {
  return { channel: 'telegram', chatId, userId: chatId, isPrivate: true, text, ...extra };
}

export function choice(chatId: string, choiceId: string, extra: Partial<IncomingMessage> = {}): IncomingMessage {
  return msg(chatId, '', { choiceId, ...extra });
}

export function photo(data: Buffer, extra: Partial<IncomingAttachment> = {}): IncomingAttachment {
  return { kind: 'photo', mimeType: 'image/jpeg', size: data.length, load: async () => data, ...extra };
}

/** A small buffer that starts like a JPEG. */
export function jpeg(seed = 'bukti'): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`netra-test-${seed}`.repeat(20))]);
}

/** All text of the replies, joined. */
export function textOf(replies: OutgoingMessage[]): string {
  return replies.map((r) => (r.kind === 'text' ? r.text : r.answer.answer)).join('\n---\n');
}

export function choicesOf(replies: OutgoingMessage[]): string[] {
  return replies.flatMap((r) => r.choices ?? []).map((c) => c.id);
}

export const CHRONOLOGY =
  'Pada rapat staf pukul 09.00, yang bersangkutan membagikan stiker calon dan meminta staf memilih calon tersebut.';

export interface FillOptions {
  kind?: string;
  election?: string;
  reported?: string;
  date?: string;
  place?: string;
  chronology?: string;
  attachments?: IncomingAttachment[];
  links?: string;
  identity?: string | 'anon';
  consent?: 'yes' | 'no';
  channel?: ChannelName;
}

/**
 * Walks one chat through the whole flow up to (not including) the confirmation, asserting that
 * each answer was accepted. Returns the confirmation prompt.
 */
export async function fillReport(service: ReportingService, chatId: string, o: FillOptions = {}): Promise<OutgoingMessage[]> {
  const extra: Partial<IncomingMessage> = o.channel ? { channel: o.channel } : {};
  const step = async (m: IncomingMessage, expect: RegExp): Promise<OutgoingMessage[]> => {
    const r = await service.handle(m);
    const t = textOf(r);
    if (!expect.test(t)) throw new Error(`Expected ${expect} after ${JSON.stringify(m.text || m.choiceId)}, got:\n${t}`);
    return r;
  };
  const started = await service.start(msg(chatId, '/lapor', extra));
  if (!/Langkah 1 dari 9/.test(textOf(started))) throw new Error(`start failed: ${textOf(started)}`);
  await step(choice(chatId, `kind:${o.kind ?? 'medsos'}`, extra), /Langkah 2 dari 9/);
  await step(choice(chatId, `election:${o.election ?? 'pemilu'}`, extra), /Langkah 3 dari 9/);
  await step(msg(chatId, o.reported ?? 'Budi Santoso, Kepala Seksi Umum, Dinas Pendidikan Kabupaten Contoh', extra), /Langkah 4 dari 9/);
  await step(msg(chatId, o.date ?? '19-02-2024', extra), /Langkah 5 dari 9/);
  await step(msg(chatId, o.place ?? 'Ruang rapat Dinas Pendidikan, Kabupaten Contoh', extra), /Langkah 6 dari 9/);
  await step(msg(chatId, o.chronology ?? CHRONOLOGY, extra), /Langkah 7 dari 9/);
  for (const a of o.attachments ?? []) await step(msg(chatId, '', { ...extra, attachments: [a] }), /Bukti diterima/);
  if (o.links) await step(msg(chatId, o.links, extra), /Tautan diterima/);
  const hasEvidence = (o.attachments?.length ?? 0) > 0 || Boolean(o.links);
  await step(choice(chatId, hasEvidence ? 'evidence:done' : 'evidence:skip', extra), /Langkah 8 dari 9/);
  const identity = o.identity ?? 'Siti Aminah, Jl. Melati No. 5, Kota Contoh, 081234567890';
  if (identity === 'anon') return step(choice(chatId, 'identity:anon', extra), /Konfirmasi/);
  await step(msg(chatId, identity, extra), /Langkah 9 dari 9/);
  return step(choice(chatId, `consent:${o.consent ?? 'yes'}`, extra), /Konfirmasi/);
}

/** The ticket in a submission reply. */
export function ticketOf(replies: OutgoingMessage[]): string {
  const m = /NTR-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(textOf(replies));
  if (!m) throw new Error(`no ticket in: ${textOf(replies)}`);
  return m[0];
}
