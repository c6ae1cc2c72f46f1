import fs from 'node:fs';
import { loadConfig } from '../src/config/config.js';
import { storageTarget } from '../src/reporting/netra-storage.js';
import { copySqliteToPostgres } from '../src/storage/copy-database.js';
import { openDatabase } from '../src/storage/database.js';
import { describeDatabaseUrl, PostgresDatabase } from '../src/storage/postgres.js';
import { runIfInvokedDirectly, UsageError } from './cli-runner.js';

const USAGE = [
  'Pemakaian: npm run db:copy -- --from sqlite:<berkas.sqlite> --to postgres://pengguna@host:5432/netra',
  'Tanpa --from: berkas SQLite di NETRA_DATA_DIR. Tanpa --to: DATABASE_URL.',
  'Hentikan Netra yang memakai berkas SQLite itu dahulu. Boleh diulang: baris yang sudah tersalin dilewati.',
].join('\n');

function parseArgs(argv: string[]): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag !== '--from' && flag !== '--to') throw new UsageError(`Argumen tidak dikenal: ${flag}`);
    const value = inline ?? argv[++i];
    if (!value) throw new UsageError(`${flag} membutuhkan nilai.`);
    out[flag === '--from' ? 'from' : 'to'] = value;
  }
  return out;
}

/**
 * `npm run db:copy`: moves an existing deployment from SQLite to PostgreSQL — every table, in one
 * transaction, idempotent, verified row by row (see copySqliteToPostgres). Prints counts per table;
 * never a row's content, never the connection string's user or password.
 */
async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const from = storageTarget(args.from ?? `sqlite:${config.databasePath}`, config.databasePath);
  const to = storageTarget(args.to ?? config.databaseUrl, config.databasePath);
  if (from.engine !== 'sqlite') throw new UsageError('--from harus sqlite:<berkas> (penyalinan dari PostgreSQL belum didukung).');
  if (to.engine !== 'postgres') throw new UsageError('--to harus postgres://… (atau atur DATABASE_URL).');
  if (!fs.existsSync(from.path)) {
    console.error(`Berkas SQLite tidak ditemukan: ${from.path}`);
    return 1;
  }
  const source = openDatabase(from.path);
  const target = new PostgresDatabase({ connectionString: to.url, max: 2 });
  try {
    const results = await copySqliteToPostgres(source, target);
    console.log(`Disalin dari ${from.path} ke ${describeDatabaseUrl(to.url)} (satu transaksi, diperiksa baris demi baris):`);
    for (const r of results) console.log(`  ${r.table}: ${r.source} baris di sumber, ${r.inserted} baru, ${r.alreadyThere} sudah ada`);
    const reports = results.find((r) => r.table === 'reports');
    console.log(`Selesai: ${reports?.source ?? 0} laporan ada di PostgreSQL, tidak ada yang hilang.`);
    return 0;
  } finally {
    source.close();
    await target.close();
  }
}

runIfInvokedDirectly(import.meta.url, main, 'db:copy', USAGE);
