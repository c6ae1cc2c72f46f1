import type { Config } from './config/config.js';
import { AnswerPipeline, type Composer } from './answer/pipeline.js';
import { type LlmHealth, LlmComposer } from './answer/llm-composer.js';
import { formatDateId } from './answer/election-stage.js';
import { whatsappChatIdOf } from './channels/whatsapp/whatsapp-ids.js';
import { Conversation, type AdminChat } from './conversation/conversation.js';
import type { ChannelName } from './conversation/messages.js';
import { NotifierRegistry } from './conversation/notifier-registry.js';
import { type ChoiceTokens, RecentChoiceTokens } from './conversation/choice-tokens.js';
import { SharedConversationState } from './conversation/shared-conversation-state.js';
import { jakartaDate, type IsoDate } from './knowledge/calendar-date.js';
import type { Logger } from './logging/logger.js';
import { KnowledgeValidationError } from './knowledge/knowledge-base.js';
import { ChannelStatus } from './observability/channel-status.js';
import { Metrics } from './observability/metrics.js';
import { ReportingService, type ReportNotifications } from './reporting/reporting-service.js';
import { ensureIndex } from './retrieval/ensure-index.js';
import { IndexHolder } from './retrieval/index-holder.js';
import { loadIdSecret } from './privacy/id-secret.js';
import { configurePseudonyms } from './privacy/pseudonym.js';
import { DraftRepository } from './reporting/draft-repository.js';
import type { EvidenceBlobs } from './reporting/evidence-blobs.js';
import { describeEvidenceStore, evidenceBlobsFromConfig } from './reporting/evidence-blobs-from-config.js';
import { type NetraStorage, openNetraStorage, storageTarget } from './reporting/netra-storage.js';
import { ReportRepository } from './reporting/report-repository.js';
import { checkpoint, type NetraDatabase } from './storage/database.js';
import { createFieldSealer } from './storage/field-crypto.js';
import { describeDatabaseUrl } from './storage/postgres.js';
import { PostgresSharedChatState } from './storage/postgres-shared-chat-state.js';
import type { SharedChatState } from './storage/shared-chat-state.js';
import type { QuestionStore } from './storage/question-store.js';
import { secureDir } from './storage/secure-files.js';
import { isS3ConfigurationError } from './storage/s3/s3-errors.js';
import { toStorageError } from './storage/storage-errors.js';
import { createPostgresProbe, createStorageProbe, type StorageProbe, withEvidenceProbe } from './storage/storage-health.js';
import type { StorageWriter } from './storage/storage-writer.js';

/** Everything a running Netra is made of; channels get `conversation` and `notifiers`, nothing else. */
export interface NetraApp {
  config: Config;
  logger: Logger;
  index: IndexHolder;
  pipeline: AnswerPipeline;
  conversation: Conversation;
  notifiers: NotifierRegistry;
  reporting: ReportingService;
  questionLog: QuestionStore;
  /** Every repository of the configured engine (SQLite file, or PostgreSQL with DATABASE_URL). */
  stores: NetraStorage;
  metrics: Metrics;
  /** The state of each configured channel, for `/healthz`. */
  channels: ChannelStatus;
  /** What workers share beyond the repositories (PostgreSQL only): chat locks, memory, limits, replies, offers, links. */
  shared?: SharedConversationState;
  /**
   * Tokens of choice ids too long for a button (Telegram's 64-byte callback data): shared by every
   * worker with PostgreSQL, so a button one worker drew works on another; in this process otherwise.
   */
  choiceTokens: ChoiceTokens;
  /** The store under {@link shared}, for channels that share their own state (the Cloud API's window and message ids). */
  sharedStore?: SharedChatState;
  /** The SQLite handle (the embedded engine only; undefined with DATABASE_URL). */
  db?: NetraDatabase;
  /** "Today" in Asia/Jakarta (or NETRA_TODAY): the one clock for answers and reports. */
  today(): IsoDate;
  /** The LLM's state (circuit breaker, failures, counts) for /healthz; undefined when offline. */
  llm?: { health(): LlmHealth };
  /** Whether reports can be saved now (read-only or full data dir, another process's lock), for /healthz. */
  storage: StorageProbe;
  /** The one SQLite writer every repository uses (waits for other processes' locks without blocking); undefined with DATABASE_URL. */
  writer?: StorageWriter;
  /** Deletes questions past QUESTION_LOG_RETENTION_DAYS and checkpoints the WAL; runs at start and daily. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

const DAY_MS = 24 * 3600_000;

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
  // Reports, identities and the id secret live here: owner-only, before anything is written.
  secureDir(config.dataDir);
  const ids = loadIdSecret(config.dataDir, config.idSecret);
  const evidence = evidenceBlobsFromConfig(config);
  await checkEvidenceStore(evidence, config, logger);
  configurePseudonyms(ids.secret);
  if (ids.source === 'generated') {
    logger.info({ file: 'id-secret' }, 'NETRA_ID_SECRET is not set: generated a secret for pseudonymous ids in the data directory (mode 0600); back it up with the database');
  }
  const index = new IndexHolder(await ensureIndex(config, logger), config, logger);
  if (options.watchIndex) index.watch();
  const llmComposer = config.llm ? new LlmComposer(config.llm, logger) : undefined;
  const composer: Composer | undefined = llmComposer;
  const pipeline = new AnswerPipeline({ index: () => index.get(), composer, today: config.today, logger });
  const stores = await openNetraStorage(storageTarget(config.databaseUrl, config.databasePath), createFieldSealer(config.reportsEncryptionKey), {
    lockWaitMs: config.storageLockWaitMs,
    onDropped: (err) => logger.error({ problem: err.problem, code: err.code }, 'a queued statistics write was dropped'),
    poolSize: config.databasePoolSize,
  });
  const db = stores.sqlite?.db;
  const writer = stores.sqlite?.writer;
  if (config.databaseUrl) {
    logger.info({ database: describeDatabaseUrl(config.databaseUrl) }, 'storage: PostgreSQL (shared by every worker with this DATABASE_URL)');
  }
  await preparePrivateData(config, stores, logger);
  // Several workers: per-chat order, follow-up memory and rate limits live in PostgreSQL too.
  // Chat locks take their connections from the same pool (at most half of it), so a worker opens
  // at most DATABASE_POOL_SIZE connections in all.
  const chatState = stores.postgres ? new PostgresSharedChatState(stores.postgres) : undefined;
  const shared = chatState ? new SharedConversationState(chatState, createFieldSealer(config.reportsEncryptionKey), logger) : undefined;
  const sharedSweep = shared
    ? setInterval(() => {
        shared.sweep(30 * 60_000, 60_000).catch((err: unknown) => logger.warn({ err: (err as Error).name }, 'shared chat state sweep failed'));
      }, 5 * 60_000)
    : undefined;
  sharedSweep?.unref();
  const questionLog = stores.questions;
  const notifiers = new NotifierRegistry();
  const metrics = new Metrics(async () => (await questionLog.stats()).reportsByStatus);
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
    stores,
    evidence,
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
  const sweep = async () => {
    const deleted = await questionLog.sweep(config.questionLogRetentionDays);
    if (deleted > 0) logger.info({ deleted, retentionDays: config.questionLogRetentionDays }, 'question log: old questions deleted');
    if (db && !checkpoint(db)) logger.warn('WAL checkpoint incomplete (another connection is reading); retried at the next sweep');
  };
  await sweep().catch((err: unknown) => logger.error({ err: (err as Error).message }, 'question log sweep failed'));
  const daily = setInterval(() => {
    sweep().catch((err: unknown) => logger.error({ err: (err as Error).message }, 'question log sweep failed'));
  }, DAY_MS);
  daily.unref();
  const conversation = new Conversation({
    pipeline,
    reporting,
    questionLog,
    logger,
    metrics,
    adminChats: adminChatsOf(config),
    rateLimitPerMinute: config.rateLimitPerMinute,
    memoryCapacity: config.conversationMemoryMax,
    shared,
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
  // Then files nothing refers to (a crash, a full disk, a delete that failed): with a store shared
  // by workers, not only at start.
  const sweepDrafts = async (): Promise<void> => {
    await reporting.sweepExpiredDrafts().catch((err: unknown) => logger.error({ err: (err as Error).message }, 'draft sweep failed'));
    try {
      const removed = await reporting.sweepOrphanEvidence(await reportEvidenceNames(stores));
      if (removed > 0) logger.info({ removed, store: evidence.kind }, 'orphan evidence files removed');
    } catch (err) {
      const e = toStorageError(err);
      logger.warn({ err: e ? undefined : (err as Error).message, problem: e?.problem, code: e?.code, hint: e?.hint }, 'orphan evidence sweep failed; retried within the hour');
    }
  };
  await sweepDrafts();
  const sweepTimer = setInterval(() => void sweepDrafts(), DRAFT_SWEEP_INTERVAL_MS);
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
    stores,
    metrics,
    channels: new ChannelStatus(),
    shared,
    choiceTokens: shared ? shared.choiceTokens(new RecentChoiceTokens()) : new RecentChoiceTokens(),
    sharedStore: chatState,
    db,
    today,
    llm: llmComposer,
    storage: withEvidenceProbe(
      writer
        ? createStorageProbe({ dataDir: config.dataDir, databasePath: config.databasePath, writer })
        : createPostgresProbe({ dataDir: config.dataDir, ping: () => stores.questions.stats({ since: new Date() }).then(() => undefined) }),
      evidence,
    ),
    writer,
    sweep,
    async close() {
      clearInterval(daily);
      clearInterval(sweepTimer);
      if (sharedSweep) clearInterval(sharedSweep);
      index.close();
      await stores.close();
    },
  };
}

/**
 * Start-up care of stored personal data: converts drafts and lookup hashes written by older
 * versions (SQLite only: PostgreSQL databases start at the current schema), removes evidence
 * files nothing refers to, and warns when reports are (or would be) stored without
 * REPORTS_ENCRYPTION_KEY.
 */
async function preparePrivateData(config: Config, stores: NetraStorage, logger: Logger): Promise<void> {
  let storedCount: number;
  if (stores.sqlite) {
    const { db } = stores.sqlite;
    const sealer = createFieldSealer(config.reportsEncryptionKey);
    const drafts = new DraftRepository(db, sealer);
    const legacy = drafts.convertLegacy();
    if (legacy.converted + legacy.dropped > 0) logger.info(legacy, 'drafts converted to keyed chat lookups');
    const upgraded = new ReportRepository(db, sealer).upgradeLookupHashes();
    if (upgraded > 0) logger.info({ upgraded }, 'report lookup hashes moved to the id secret');
    // The old rows' page images must not stay behind in the write-ahead log.
    checkpoint(db);
    storedCount = (db.prepare('SELECT (SELECT COUNT(*) FROM reports) + (SELECT COUNT(*) FROM report_drafts) AS n').get() as { n: number }).n;
  } else {
    const pg = stores.postgres!;
    storedCount = (await pg.query<{ n: number }>('SELECT ((SELECT COUNT(*) FROM reports) + (SELECT COUNT(*) FROM report_drafts))::int AS n')).rows[0]?.n ?? 0;
  }
  if (!config.reportsEncryptionKey && (storedCount > 0 || config.telegram || config.whatsapp || config.http)) {
    logger.warn(
      { storedReportsAndDrafts: storedCount },
      'REPORTS_ENCRYPTION_KEY is not set: reporter identities and chat ids are stored WITHOUT encryption. Set it (see .env.example) and run npm run reports:rekey.',
    );
  }
}

/** The evidence file names every stored report refers to (drafts' are read by the reporting service). */
async function reportEvidenceNames(stores: NetraStorage): Promise<Set<string>> {
  const sql = "SELECT file_name FROM evidence WHERE kind = 'file'";
  const rows = stores.sqlite
    ? (stores.sqlite.db.prepare(sql).all() as { file_name: string }[])
    : (await stores.postgres!.query<{ file_name: string }>(sql)).rows;
  return new Set(rows.map((r) => r.file_name));
}

/**
 * One look at the evidence store before anything else starts. Wrong keys, bucket or region stop
 * the start with one line saying which variable to check; a store that is down for a moment
 * does not (answers need no evidence store): the start goes on, logs it, and /healthz shows it.
 */
async function checkEvidenceStore(evidence: EvidenceBlobs, config: Config, logger: Logger): Promise<void> {
  try {
    await evidence.probe();
    logger.info(describeEvidenceStore(config), 'evidence store ready');
  } catch (err) {
    const e = toStorageError(err);
    if (!e) throw err;
    if (evidence.kind === 's3' && isS3ConfigurationError(e)) {
      throw new Error(`Penyimpanan bukti S3 tidak dapat dipakai (${e.code}): ${e.hint ?? e.message}. Lihat README "Scaling out".`);
    }
    logger.warn({ ...describeEvidenceStore(config), problem: e.problem, code: e.code, hint: e.hint }, 'evidence store not reachable at start; reports with files fail until it is');
  }
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
