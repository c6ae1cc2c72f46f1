import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { AdminCommands } from '../../src/conversation/admin-commands.js';
import { parseCommand } from '../../src/conversation/command-registry.js';
import type { ChannelName, IncomingAttachment, IncomingMessage, Notifier, OutgoingMessage } from '../../src/conversation/messages.js';
import { NotifierRegistry } from '../../src/conversation/notifier-registry.js';
import { ReportDialog } from '../../src/conversation/report-dialog.js';
import { jakartaDate } from '../../src/knowledge/calendar-date.js';
import { CalendarSchema, type ElectionCalendar } from '../../src/knowledge/schemas.js';
import { silentLogger, type Logger } from '../../src/logging/logger.js';
import { DirectoryEvidenceBlobs } from '../../src/reporting/directory-evidence-blobs.js';
import { ReportingService } from '../../src/reporting/reporting-service.js';
import { openDatabase, type NetraDatabase } from '../../src/storage/database.js';
import { KNOWLEDGE_DIR } from '../support/test-app.js';

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
  { id: 'keputusan_kebijakan', label: 'Keputusan atau tindakan yang menguntungkan/merugikan calon' },
];

/** Tuesday 20 February 2024, 10:00 WIB: the Pemilu 2024 stages are running (calendar in knowledge/). */
export const NOW = new Date('2024-02-20T03:00:00Z');

export const ADMIN_CHAT = '-1001234';

/** The repository's election calendar, as the running bot reads it. */
export const CALENDAR: ElectionCalendar = CalendarSchema.parse(
  YAML.parse(fs.readFileSync(path.join(KNOWLEDGE_DIR, 'calendar', 'pemilu-pilkada.yaml'), 'utf8')),
);

/**
 * The reporting flow as a chat sees it — the report dialog over the reporting domain, with the
 * admin commands — without the answer pipeline. `handle` reads `/batal`, `/kembali`, `/status`
 * the way the conversation's command registry does.
 */
export interface ReportDriver {
  reporting: ReportingService;
  start(m: IncomingMessage, prefill?: { description?: string }): Promise<OutgoingMessage[]>;
  handle(m: IncomingMessage): Promise<OutgoingMessage[]>;
  status(m: IncomingMessage, ticket: string): Promise<OutgoingMessage[]>;
  /** An admin command (`/laporan …`, `/ubahstatus …`), run by the Telegram admin `userId`. */
  admin(text: string, userId?: string): Promise<OutgoingMessage[]>;
  isInFlow(channel: string, chatId: string): Promise<boolean>;
}

export interface TestEnv {
  dir: string;
  dbPath: string;
  evidenceDir: string;
  db: NetraDatabase;
  registry: NotifierRegistry;
  telegram: RecordingNotifier;
  whatsapp: RecordingNotifier;
  clock: { now: Date };
  service(options?: { key?: string; maxEvidenceBytes?: number; admin?: boolean; logger?: Logger }): ReportDriver;
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
      const admins = o.admin === false ? [] : [{ channel: 'telegram' as const, chatId: ADMIN_CHAT }];
      const reporting = new ReportingService({
        db: env.db,
        evidence: new DirectoryEvidenceBlobs(evidenceDir),
        encryptionKey: o.key ?? options.key,
        maxEvidenceBytes: o.maxEvidenceBytes ?? 1024 * 1024,
        notifications: {
          async toAdmins(text) {
            const sent = await Promise.all(admins.map((a) => registry.send(a.channel, a.chatId, text)));
            return { targets: admins.length, delivered: sent.filter(Boolean).length };
          },
          toReporter: (ref, text) => registry.send(ref.channel as ChannelName, ref.chatId, text),
        },
        kinds: KINDS,
        calendar: () => CALENDAR,
        today: () => jakartaDate(clock.now),
        now: () => clock.now,
        logger: o.logger,
      });
      return reportDriver(reporting, o.logger);
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

/**
 * A {@link ReportDriver} over any reporting service (a test's own, or a real app's
 * `app.reporting`): the report dialog and the admin commands, without the rest of the chain.
 */
export function reportDriver(reporting: ReportingService, logger?: Logger): ReportDriver {
  const dialog = new ReportDialog(reporting, logger ?? silentLogger());
  const admin = new AdminCommands(reporting, { reindex: async () => 'ok', statistics: async () => ({}) as never });
  return {
    reporting,
    start: (m, prefill) => dialog.start(m, prefill),
    async handle(m) {
      const parsed = m.choiceId ? undefined : parseCommand(m.text, { plainKeywords: true });
      if (parsed && 'spec' in parsed) {
        const name = parsed.spec.name;
        if (name === 'batal' || name === 'kembali' || name === 'lapor') return dialog.handle(m, name);
        if (name === 'status') {
          return [{ kind: 'text', text: parsed.args ? await reporting.reporterStatus(m, parsed.args) : await reporting.reporterTickets(m) }];
        }
      }
      return dialog.handle(m);
    },
    status: async (m, ticket) => [{ kind: 'text', text: await reporting.reporterStatus(m, ticket) }],
    async admin(text, userId = 'admin-1') {
      const parsed = parseCommand(text, { plainKeywords: false });
      if (!parsed || !('spec' in parsed)) throw new Error(`not a command: ${text}`);
      const name = parsed.spec.name as 'laporan' | 'ubahstatus';
      return [{ kind: 'text', text: await admin.run(name, parsed.args, { channel: 'telegram', userId }) }];
    },
    isInFlow: (channel, chatId) => reporting.hasDraft({ channel, chatId }),
  };
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
  return replies.map((r) => (r.kind === 'text' ? r.text : r.kind === 'answer' ? r.answer.answer : (r.text ?? ''))).join('\n---\n');
}

export function choicesOf(replies: OutgoingMessage[]): string[] {
  return replies.flatMap((r) => (r.kind === 'ack' ? [] : (r.choices ?? []))).map((c) => c.id);
}

export const CHRONOLOGY =
  'Pada rapat staf pukul 09.00, yang bersangkutan membagikan stiker calon dan meminta staf memilih calon tersebut.';

export interface FillOptions {
  kind?: string;
  election?: string;
  name?: string | 'skip';
  position?: string | 'skip';
  agency?: string | 'skip';
  idNumber?: string;
  date?: string;
  /** When the reporter learned of it; default: the same day. */
  known?: string;
  place?: string;
  /** One message per part; "selesai" is sent after them. */
  chronology?: string | string[];
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
export async function fillReport(service: ReportDriver, chatId: string, o: FillOptions = {}): Promise<OutgoingMessage[]> {
  const extra: Partial<IncomingMessage> = o.channel ? { channel: o.channel } : {};
  let last: OutgoingMessage[] = [];
  const step = async (m: IncomingMessage, expect: RegExp): Promise<OutgoingMessage[]> => {
    last = await service.handle(m);
    const t = textOf(last);
    // A refusal re-asks the same step, whose prompt may match too: the walk only goes forward.
    if (!expect.test(t) || t.startsWith('⚠️')) throw new Error(`Expected ${expect} after ${JSON.stringify(m.text || m.choiceId)}, got:\n${t}`);
    return last;
  };
  const part = (value: string | undefined, fallback: string, m: RegExp) =>
    step(value === 'skip' ? choice(chatId, 'skip', extra) : msg(chatId, value ?? fallback, extra), m);
  const started = await service.start(msg(chatId, '/lapor', extra));
  if (!/Langkah 1 dari 9/.test(textOf(started))) throw new Error(`start failed: ${textOf(started)}`);
  await step(choice(chatId, `kind:${o.kind ?? 'medsos'}`, extra), /Langkah 2 dari 9/);
  await step(choice(chatId, `election:${o.election ?? 'pemilu'}`, extra), /Terlapor — nama/);
  await part(o.name, 'Budi Santoso', /Terlapor — jabatan/);
  await part(o.position, 'Kepala Seksi Umum', /Terlapor — instansi/);
  await part(o.agency, 'Dinas Pendidikan Kabupaten Contoh', /Terlapor — NIP\/NIK/);
  await step(o.idNumber ? msg(chatId, o.idNumber, extra) : choice(chatId, 'skip', extra), /Langkah 4 dari 9/);
  const afterDate = await step(msg(chatId, o.date ?? '19-02-2024', extra), /Langkah (4|5) dari 9/);
  if (/Kapan Anda mengetahuinya/.test(textOf(afterDate))) {
    await step(o.known ? msg(chatId, o.known, extra) : choice(chatId, 'known:same', extra), /Langkah 5 dari 9/);
  }
  await step(msg(chatId, o.place ?? 'Ruang rapat Dinas Pendidikan, Kabupaten Contoh', extra), /Langkah 6 dari 9/);
  const parts = Array.isArray(o.chronology) ? o.chronology : [o.chronology ?? CHRONOLOGY];
  for (const p of parts) await step(msg(chatId, p, extra), /diterima \(total/);
  await step(msg(chatId, 'selesai', extra), /Langkah 7 dari 9/);
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
