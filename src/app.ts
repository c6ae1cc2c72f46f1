import type { Config } from './config/config.js';
import { AnswerPipeline, type Composer } from './answer/pipeline.js';
import { LlmComposer } from './answer/llm-composer.js';
import { formatDateId } from './answer/election-stage.js';
import { Conversation } from './conversation/conversation.js';
import { NotifierRegistry } from './conversation/notifier-registry.js';
import type { Logger } from './logging/logger.js';
import { KnowledgeValidationError } from './knowledge/knowledge-base.js';
import { Metrics } from './observability/metrics.js';
import { ReportingService } from './reporting/reporting-service.js';
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
  db: NetraDatabase;
  close(): Promise<void>;
}

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
  const index = new IndexHolder(await ensureIndex(config, logger), config, logger);
  if (options.watchIndex) index.watch();
  const composer: Composer | undefined = config.llm ? new LlmComposer(config.llm, logger) : undefined;
  const pipeline = new AnswerPipeline({ index: () => index.get(), composer, today: config.today, logger });
  const db = openDatabase(config.databasePath);
  const questionLog = new QuestionLog(db);
  const notifiers = new NotifierRegistry();
  const metrics = new Metrics(() => questionLog.stats().reportsByStatus);
  const topics = new Set(index.get().knowledge.cards.filter((c) => c.verdict === 'dilarang').map((c) => c.topic));
  const reporting = new ReportingService({
    db,
    evidenceDir: config.evidenceDir,
    encryptionKey: config.reportsEncryptionKey,
    maxEvidenceBytes: config.maxEvidenceBytes,
    notifiers,
    adminTarget: config.adminChatId ? { channel: 'telegram', chatId: config.adminChatId } : undefined,
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
      statistics: () => formatStatistics(questionLog),
    },
  });
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
    db,
    async close() {
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
    `Sumber pengetahuan Netra (indeks ${formatDateId(manifest.builtAt.slice(0, 10))}):`,
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

function formatStatistics(log: QuestionLog): string {
  const s = log.stats();
  const days = new Map<string, number>();
  const channels = new Map<string, number>();
  for (const row of s.questionsPerDay) {
    days.set(row.day, (days.get(row.day) ?? 0) + row.count);
    channels.set(row.channel, (channels.get(row.channel) ?? 0) + row.count);
  }
  const lastDays = [...days].sort(([a], [b]) => b.localeCompare(a)).slice(0, 7);
  return [
    `Statistik Netra: ${s.totals.questions} pertanyaan, ${s.totals.reports} laporan.`,
    `Per kanal: ${[...channels].map(([c, n]) => `${c} ${n}`).join(', ') || '-'}`,
    `7 hari terakhir: ${lastDays.map(([d, n]) => `${d}: ${n}`).join(', ') || '-'}`,
    `Putusan: ${Object.entries(s.verdicts).map(([v, n]) => `${v} ${n}`).join(', ') || '-'}`,
    `Masukan: 👍 ${s.feedback.up} / 👎 ${s.feedback.down}`,
    `Laporan per status: ${Object.entries(s.reportsByStatus).map(([k, n]) => `${k} ${n}`).join(', ')}`,
  ].join('\n');
}
