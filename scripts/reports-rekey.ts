import fs from 'node:fs';
import os from 'node:os';
import { EnvSchema, loadConfig } from '../src/config/config.js';
import { loadIdSecret } from '../src/privacy/id-secret.js';
import { configurePseudonyms } from '../src/privacy/pseudonym.js';
import { DraftRepository } from '../src/reporting/draft-repository.js';
import { ReportRepository } from '../src/reporting/report-repository.js';
import { AuditLog } from '../src/storage/audit-log.js';
import { checkpoint, openDatabase } from '../src/storage/database.js';
import { createFieldSealer, SealError } from '../src/storage/field-crypto.js';
import { describeDatabaseUrl, openPostgres } from '../src/storage/postgres.js';
import { type RekeyCounts, rekeyPostgres } from '../src/reporting/postgres-rekey.js';
import { runIfInvokedDirectly, UsageError } from './cli-runner.js';

const USAGE = [
  'Pemakaian: REPORTS_ENCRYPTION_KEY=<kunci lama> REPORTS_ENCRYPTION_KEY_NEW=<kunci baru> npm run reports:rekey',
  'Hentikan Netra dahulu (dengan DATABASE_URL: semua worker). Tanpa REPORTS_ENCRYPTION_KEY, data yang tersimpan tanpa enkripsi dienkripsi dengan kunci baru.',
].join('\n');

/**
 * `npm run reports:rekey`: re-encrypts every reporter identity, reporter chat id and draft from
 * REPORTS_ENCRYPTION_KEY (or plaintext, when it is unset) to REPORTS_ENCRYPTION_KEY_NEW, in one
 * transaction: everything is opened with the old key before anything is written, so a wrong old
 * key changes nothing. Lookup hashes use the id secret and stay valid. Afterwards the WAL is
 * checkpointed (old ciphertext does not linger) and the run is written to the audit trail.
 * With DATABASE_URL (PostgreSQL) the same happens in one transaction on the shared database.
 * Keys come from the environment only, never from arguments (visible in `ps`), and are never printed.
 */
async function main(): Promise<number> {
  if (process.argv.slice(2).some((a) => a !== '--')) throw new UsageError('Skrip ini tidak menerima argumen; kunci dibaca dari lingkungan.');
  const config = loadConfig();
  const next = EnvSchema.shape.REPORTS_ENCRYPTION_KEY.safeParse(process.env.REPORTS_ENCRYPTION_KEY_NEW);
  if (!next.success) throw new UsageError(`REPORTS_ENCRYPTION_KEY_NEW: ${next.error.issues[0]?.message}.`);
  if (!next.data) throw new UsageError('REPORTS_ENCRYPTION_KEY_NEW belum diatur.');
  if (next.data === config.reportsEncryptionKey) throw new UsageError('Kunci baru sama dengan kunci lama.');
  if (config.databaseUrl) return rekeyShared(config.databaseUrl, config.reportsEncryptionKey, next.data);
  if (!fs.existsSync(config.databasePath)) {
    console.error(`Basis data belum ada: ${config.databasePath}`);
    return 1;
  }

  configurePseudonyms(loadIdSecret(config.dataDir, config.idSecret).secret);
  const db = openDatabase(config.databasePath);
  try {
    const oldSealer = createFieldSealer(config.reportsEncryptionKey);
    const newSealer = createFieldSealer(next.data);
    const drafts = new DraftRepository(db, oldSealer);
    drafts.convertLegacy();
    const reports = new ReportRepository(db, oldSealer);
    let counts: { reports: number; identities: number; drafts: number };
    try {
      counts = db
        .transaction(() => {
          const r = reports.rekeyWithin(newSealer);
          const d = drafts.rekeyWithin(newSealer);
          new AuditLog(db).record({
            actor: `cli:${os.userInfo().username}`,
            action: 'reports_rekeyed',
            detail: `${r.reports} laporan, ${r.identities} identitas, ${d} draf`,
          });
          return { ...r, drafts: d };
        })
        .immediate();
    } catch (err) {
      if (err instanceof SealError) {
        console.error('Gagal: ada data yang tidak dapat dibuka dengan REPORTS_ENCRYPTION_KEY (kunci lama salah?). Tidak ada yang diubah.');
        return 1;
      }
      throw err;
    }
    new ReportRepository(db, newSealer).upgradeLookupHashes();
    if (!checkpoint(db)) console.error('Catatan: WAL belum dapat dipadatkan (Netra masih berjalan?); ulangi setelah Netra berhenti.');
    console.log(
      `Selesai: ${counts.reports} laporan, ${counts.identities} identitas pelapor dan ${counts.drafts} draf kini terenkripsi dengan kunci baru.\n` +
        'Ganti REPORTS_ENCRYPTION_KEY dengan kunci baru di konfigurasi, lalu jalankan Netra lagi. Simpan kunci lama secara offline sampai cadangan lama tidak diperlukan.',
    );
    return 0;
  } finally {
    db.close();
  }
}

/**
 * The same on PostgreSQL (DATABASE_URL): one transaction over the shared database, every value
 * opened before any is written. All workers must be stopped first and restarted with the new key.
 */
async function rekeyShared(url: string, oldKey: string | undefined, newKey: string): Promise<number> {
  // Lookup hashes use the id secret, not this key: they stay valid and are not touched.
  const db = await openPostgres({ connectionString: url, max: 1 });
  try {
    let counts: RekeyCounts;
    try {
      counts = await rekeyPostgres(db, createFieldSealer(oldKey), createFieldSealer(newKey), `cli:${os.userInfo().username}`);
    } catch (err) {
      if (err instanceof SealError) {
        console.error('Gagal: ada data yang tidak dapat dibuka dengan REPORTS_ENCRYPTION_KEY (kunci lama salah?). Tidak ada yang diubah.');
        return 1;
      }
      throw err;
    }
    console.log(
      `Selesai (PostgreSQL ${describeDatabaseUrl(url)}): ${counts.reports} laporan, ${counts.identities} identitas pelapor dan ${counts.drafts} draf kini terenkripsi dengan kunci baru` +
        (counts.sharedState > 0 ? `; ${counts.sharedState} data percakapan sementara (memori, balasan, pilihan, tautan) dihapus.\n` : '.\n') +
        'Ganti REPORTS_ENCRYPTION_KEY dengan kunci baru di konfigurasi SEMUA worker, lalu jalankan Netra lagi. Simpan kunci lama secara offline sampai cadangan lama tidak diperlukan.',
    );
    return 0;
  } finally {
    await db.close();
  }
}

runIfInvokedDirectly(import.meta.url, main, 'reports:rekey', USAGE);
