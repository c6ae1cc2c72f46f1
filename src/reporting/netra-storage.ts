import { checkpoint, openDatabase, type NetraDatabase } from '../storage/database.js';
import type { FieldSealer } from '../storage/field-crypto.js';
import { openPostgres, type PostgresDatabase } from '../storage/postgres.js';
import { PostgresQuestionLog } from '../storage/postgres-question-log.js';
import { QuestionLog } from '../storage/question-log.js';
import { type QuestionStore, sqliteQuestionStore } from '../storage/question-store.js';
import { StorageWriter } from '../storage/storage-writer.js';
import { postgresReportingStores } from './postgres-report-store.js';
import type { DraftStore, ReportStore } from './report-store.js';
import { sqliteReportingStores } from './sqlite-report-store.js';

/** Which engine holds Netra's data: the embedded SQLite file, or a shared PostgreSQL database. */
export type StorageTarget = { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string; schema?: string };

/** Every repository of one engine, behind the engine-independent interfaces. */
export interface NetraStorage {
  readonly engine: StorageTarget['engine'];
  reports: ReportStore;
  drafts: DraftStore;
  questions: QuestionStore;
  /** The SQLite handle and writer (the embedded engine only). */
  sqlite?: { db: NetraDatabase; writer: StorageWriter; questionLog: QuestionLog };
  /** The PostgreSQL pool (the shared engine only). */
  postgres?: PostgresDatabase;
  /** Waits for queued writes and closes the connection(s). */
  close(): Promise<void>;
}

/**
 * The storage target of `DATABASE_URL`: PostgreSQL for `postgres://` / `postgresql://`,
 * `sqlite:<path>` for a SQLite file (used by `db:copy --from`), and `fallbackPath` (SQLite in the
 * data directory) when unset.
 */
export function storageTarget(url: string | undefined, fallbackPath: string): StorageTarget {
  if (!url) return { engine: 'sqlite', path: fallbackPath };
  if (/^postgres(ql)?:\/\//.test(url)) return { engine: 'postgres', url };
  if (url.startsWith('sqlite:')) return { engine: 'sqlite', path: url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') };
  throw new Error(`Alamat basis data tidak dikenal: pakai postgres://… atau sqlite:<berkas> (diterima: ${url.split(':')[0]}:…)`);
}

/**
 * Opens the engine and brings its schema up to date (the same versioned steps on both). The
 * SQLite writer waits asynchronously for another process's lock for up to `lockWaitMs`.
 */
export async function openNetraStorage(
  target: StorageTarget,
  sealer: FieldSealer,
  options: { lockWaitMs?: number; onDropped?: ConstructorParameters<typeof StorageWriter>[1]['onDropped']; poolSize?: number } = {},
): Promise<NetraStorage> {
  if (target.engine === 'postgres') {
    const pg = await openPostgres({ connectionString: target.url, schema: target.schema, max: options.poolSize });
    const { reports, drafts } = postgresReportingStores(pg, sealer);
    return { engine: 'postgres', reports, drafts, questions: new PostgresQuestionLog(pg), postgres: pg, close: () => pg.close() };
  }
  const db = openDatabase(target.path);
  const writer = new StorageWriter(db, { lockWaitMs: options.lockWaitMs ?? 5000, onDropped: options.onDropped });
  const questionLog = new QuestionLog(db, writer);
  const { reports, drafts } = sqliteReportingStores(db, sealer, writer);
  return {
    engine: 'sqlite',
    reports,
    drafts,
    questions: sqliteQuestionStore(questionLog),
    sqlite: { db, writer, questionLog },
    async close() {
      await writer.idle();
      checkpoint(db);
      db.close();
    },
  };
}
