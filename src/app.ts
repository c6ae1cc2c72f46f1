import type { Config } from './config/config.js';
import { AnswerPipeline, type Composer } from './answer/pipeline.js';
import { LlmComposer } from './answer/llm-composer.js';
import { formatDateId } from './answer/election-stage.js';
import { whatsappChatIdOf } from './channels/whatsapp/whatsapp-ids.js';
import { Conversation, type AdminChat } from './conversation/conversation.js';
import type { ChannelName } from './conversation/messages.js';
import { NotifierRegistry } from './conversation/notifier-registry.js';
import { jakartaDate, type IsoDate } from './knowledge/calendar-date.js';
import type { Logger } from './logging/logger.js';
import { KnowledgeValidationError } from './knowledge/knowledge-base.js';
import { ChannelStatus } from './observability/channel-status.js';
import { Metrics } from './observability/metrics.js';
import { ReportingService, type ReportNotifications } from './reporting/reporting-service.js';
import { ensureIndex } from './retrieval/ensure-index.js';
import { IndexHolder } from './retrieval/index-holder.js';
import { openDatabase, type NetraDatabase } from './storage/database.js';
import { QuestionLog } from './storage/question-log.js';

/** Everything a running Netra is made of; channels get `conversation` and `notifiers`, nothing else. */
export interface NetraApp {
  config: Config;
  logger: Logger;
  index: IndexHolder;
  pipeline: AnswerPipeline;
  conversation: Conversation;
  notifiers: NotifierRegistry;
  reporting: ReportingService;
  questionLog: QuestionLog;
  metrics: Metrics;
  /** The state of each configured channel, for `/healthz`. */
  channels: ChannelStatus;
  db: NetraDatabase;
  /** "Today" in Asia/Jakarta (or NETRA_TODAY): the one clock for answers and reports. */
  today(): IsoDate;
  close(): Promise<void>;
}

/** How often abandoned report drafts are looked for (they expire after 7 days). */
const DRAFT_SWEEP_INTERVAL_MS = 60 * 60_000;

/** Labels of the violation kinds offered in `/lapor`, by case-card topic. */
const REPORT_KIND_LABELS: Record<string, string> = {
  media_sosial: 'Kampanye atau dukungan di media sosial',
  atribut_foto: 'Foto, atribut, atau simbol dukungan kepada calon',
  kampanye: 'Ikut kampanye atau deklarasi calon',
  tim_kampanye: 'Menjadi tim kampanye / tim sukses',
  partai_politik: 'Menjadi anggota atau pengurus partai politik',
  fasilitas_negara: 'Memakai fasilitas negara untuk calon',
  keputusan_kebijakan: 'Keputusan atau tindakan yang menguntungkan/merugikan calon',
  kegiatan_keberpihakan: 'Mengajak, mengumpulkan, atau membagikan barang untuk calon',
  dukungan_ktp: 'Surat dukungan atau pengumpulan fotokopi KTP',
};

/**
 * Wires Netra together: the index (built on first start), the answer pipeline (LLM when
 * configured, offline otherwise), SQLite storage, reporting and the conversation.
 */
export async function createNetra(config: Config, logger: Logger, options: { watchIndex?: boolean } = {}): Promise<NetraApp> {
  const index = new IndexHolder(await ensureIndex(config), config, logger);
  if (options.watchIndex) index.watch();
  const composer: Composer | undefined = config.llm ? new LlmComposer(config.llm, logger) : undefined;
  const pipeline = new AnswerPipeline({ index: () => index.get(), composer, today: config.today, logger });
  const db = openDatabase(config.databasePath);
  const questionLog = new QuestionLog(db);
  const notifiers = new NotifierRegistry();
  const metrics = new Metrics(() => questionLog.stats().reportsByStatus);
  // One clock for the whole bot: the calendar day in Asia/Jakarta, or NETRA_TODAY in demos and tests.
  const today = (): IsoDate => config.today ?? jakartaDate(new Date());
  const topics = new Set(index.get().knowledge.cards.filter((c) => c.verdict === 'dilarang').map((c) => c.topic));
  const adminTargets = adminNoticeTargets(config);
  const notifications: ReportNotifications = {
    async toAdmins(text) {
      const delivered = await Promise.all(adminTargets.map((t) => notifiers.send(t.channel, t.chatId, text)));
      return { targets: adminTargets.length, delivered: delivered.filter(Boolean).length };
    },
    toReporter: (ref, text) => notifiers.send(ref.channel as ChannelName, ref.chatId, text),
  };
  const reporting = new ReportingService({
    db,
    evidenceDir: config.evidenceDir,
    encryptionKey: config.reportsEncryptionKey,
    maxEvidenceBytes: config.maxEvidenceBytes,
    notifications,
    calendar: () => index.get().knowledge.calendar,
    today,
    kinds: Object.entries(REPORT_KIND_LABELS)
      .filter(([topic]) => topics.has(topic))
      .map(([id, label]) => ({ id, label })),
    logger,
  });
  const conversation = new Conversation({
    pipeline,
    reporting,
    questionLog,
    logger,
    metrics,
    adminChats: adminChatsOf(config),
    rateLimitPerMinute: config.rateLimitPerMinute,
    memoryCapacity: config.conversationMemoryMax,
    sources: () => describeSources(index),
    admin: {
      reindex: async () => {
        try {
          const s = await index.rebuild();
          if (s.noop) return 'Indeks sudah mutakhir: tidak ada dokumen yang berubah.';
          return `Re-index selesai dalam ${(s.ms / 1000).toFixed(1)} detik: ${s.manifest.counts.documents} dokumen, ${s.manifest.counts.cards} kartu kasus, ${s.manifest.counts.chunks} potongan (baru ${s.added.length}, berubah ${s.changed.length}, dihapus ${s.removed.length}). Bot sudah memakai indeks baru.`;
        } catch (err) {
          const reason = err instanceof KnowledgeValidationError ? err.message : (err as Error).message;
          return `Re-index gagal; indeks lama tetap dipakai.\n${reason}`;
        }
      },
      statistics: () => questionLog.stats(),
    },
  });
  // Abandoned drafts hold identities and evidence: delete them even if their chat never writes again.
  const sweep = (): void => {
    try {
      reporting.sweepExpiredDrafts();
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'draft sweep failed');
    }
  };
  sweep();
  const sweepTimer = setInterval(sweep, DRAFT_SWEEP_INTERVAL_MS);
  sweepTimer.unref();
  return {
    config,
    logger,
    index,
    pipeline,
    conversation,
    notifiers,
    reporting,
    questionLog,
    metrics,
    channels: new ChannelStatus(),
    db,
    today,
    async close() {
      clearInterval(sweepTimer);
      index.close();
      db.close();
    },
  };
}

/** `/sumber`: the indexed documents with their status and dates. */
export function describeSources(index: IndexHolder): string {
  const { knowledge, manifest } = index.get();
  const regs = knowledge.documents.filter((d) => d.kind === 'regulation');
  const news = knowledge.documents.filter((d) => d.kind === 'news');
  const status = (s: string) => (s === 'dicabut' ? ' (dicabut)' : s === 'sekunder' ? ' (sumber sekunder, menurut pemberitaan)' : '');
  return [
    `Sumber pengetahuan Netra (indeks ${formatDateId(jakartaDate(new Date(manifest.builtAt)))}):`,
    '',
    'Peraturan (kutipan pasal yang relevan):',
    ...regs.map((d) => `• ${d.shortName}${d.year ? ` (${d.year})` : ''}${status(d.status)}`),
    '',
    'Berita:',
    ...news.map((d) => `• ${d.outlet ?? d.shortName}, ${d.date ? formatDateId(d.date) : 'tanggal tidak disebutkan'}: ${d.title}`),
    '',
    `Kartu kasus: ${knowledge.cards.length}.`,
  ].join('\n');
}

/**
 * Where new-report notices go, on every configured channel: Telegram's ADMIN_CHAT_ID (or, without
 * it, each TELEGRAM_ADMIN_IDS private chat) and each WHATSAPP_ADMIN_IDS number.
 */
export function adminNoticeTargets(config: Config): AdminChat[] {
  const targets: AdminChat[] = [];
  if (config.telegram) {
    const ids = config.adminChatId ? [config.adminChatId] : config.telegram.adminIds;
    for (const chatId of ids) targets.push({ channel: 'telegram', chatId });
  }
  if (config.whatsapp) for (const id of config.whatsapp.adminIds) targets.push({ channel: 'whatsapp', chatId: whatsappChatIdOf(id) });
  return targets;
}

/** Chats, besides an admin's private chat, where admin commands may run. */
function adminChatsOf(config: Config): AdminChat[] {
  return config.adminChatId ? [{ channel: 'telegram', chatId: config.adminChatId }] : [];
}
