/**
 * Exports submitted reports for admins:
 *   tsx scripts/reports-export.ts --format csv|json [--since YYYY-MM-DD] [--out FILE] [--evidence DIR]
 * The database is the one Netra uses (NETRA_DATA_DIR). Reporter identities are included only for
 * reporters who consented, and decrypted only when REPORTS_ENCRYPTION_KEY is set. Chat ids and
 * phone numbers are never exported. Without --out the data goes to stdout; messages go to stderr.
 * With --evidence, each report's evidence files are copied from the evidence store (the directory
 * or the S3 bucket of EVIDENCE_STORE) to DIR/<ticket>/, each checked against its stored SHA-256.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { evidenceBlobsFromConfig } from '../src/reporting/evidence-blobs-from-config.js';
import { exportEvidenceFiles } from '../src/reporting/evidence-export.js';
import { EvidenceStore } from '../src/reporting/evidence-store.js';
import { openNetraStorage, storageTarget } from '../src/reporting/netra-storage.js';
import { collectReports, toCsv, toJson } from '../src/reporting/report-export.js';
import { createFieldSealer } from '../src/storage/field-crypto.js';
import { StorageUnavailableError } from '../src/storage/storage-errors.js';
import { makeDate } from '../src/knowledge/calendar-date.js';

const ArgsSchema = z.object({
  format: z.enum(['csv', 'json'], { error: '--format harus csv atau json' }),
  since: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '--since harus berformat YYYY-MM-DD')
    .refine((s) => makeDate(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10))) !== undefined, {
      message: '--since bukan tanggal yang ada di kalender',
    })
    .optional(),
  out: z.string().min(1, '--out tidak boleh kosong').optional(),
  evidence: z.string().min(1, '--evidence tidak boleh kosong').optional(),
});

const USAGE = 'Pemakaian: npm run reports:export -- --format csv|json [--since YYYY-MM-DD] [--out FILE] [--evidence DIR]';

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let raw: unknown;
  try {
    raw = parseArgs({
      options: { format: { type: 'string' }, since: { type: 'string' }, out: { type: 'string' }, evidence: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const args = ArgsSchema.safeParse(raw);
  if (!args.success) fail(`${args.error.issues[0]?.message ?? 'Argumen tidak valid'}\n${USAGE}`);

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 1);
    throw err;
  }
  if (!config.databaseUrl && !fs.existsSync(config.databasePath)) fail(`Basis data belum ada: ${config.databasePath}`, 1);

  // DATABASE_URL: the shared PostgreSQL database; otherwise the SQLite file in NETRA_DATA_DIR.
  const storage = await openNetraStorage(storageTarget(config.databaseUrl, config.databasePath), createFieldSealer(config.reportsEncryptionKey));
  try {
    const reports = await collectReports(storage.reports, { since: args.data.since });
    const output = args.data.format === 'csv' ? toCsv(reports) : toJson(reports);
    if (args.data.out) {
      // The export holds reports and possibly identities: readable by the owner only.
      fs.writeFileSync(args.data.out, output, { mode: 0o600 });
      process.stderr.write(`${reports.length} laporan diekspor ke ${args.data.out}\n`);
    } else {
      process.stdout.write(output);
    }
    if (args.data.evidence) {
      const store = new EvidenceStore(evidenceBlobsFromConfig(config), config.maxEvidenceBytes);
      const copied = await exportEvidenceFiles(reports, (name) => store.read(name), args.data.evidence);
      process.stderr.write(`${copied.written.length} berkas bukti disalin ke ${args.data.evidence}\n`);
      if (copied.missing.length > 0) process.stderr.write(`Tidak ada di penyimpanan bukti: ${copied.missing.join(', ')}\n`);
      if (copied.mismatched.length > 0) process.stderr.write(`Isi berbeda dari sidik SHA-256 saat diterima (tidak disalin): ${copied.mismatched.join(', ')}\n`);
    }
    const locked = reports.filter((r) => r.identityState === 'terkunci').length;
    if (locked > 0) {
      process.stderr.write(`${locked} identitas pelapor terenkripsi tidak dapat dibuka (REPORTS_ENCRYPTION_KEY tidak diatur atau berbeda).\n`);
    }
  } finally {
    await storage.close();
  }
}

main().catch((err: unknown) => {
  const hint = err instanceof StorageUnavailableError && err.hint ? ` — ${err.hint}` : '';
  fail(`reports:export gagal: ${(err as Error).message}${hint}`, 1);
});
