import fs from 'node:fs';
import { loadConfig } from '../src/config/config.js';
import { openDatabase } from '../src/storage/database.js';
import { describeDatabaseUrl, openPostgres } from '../src/storage/postgres.js';
import { PostgresQuestionLog } from '../src/storage/postgres-question-log.js';
import { type NetraStats, QuestionLog } from '../src/storage/question-log.js';
import { runIfInvokedDirectly, UsageError } from './cli-runner.js';

/**
 * `npm run stats [-- --since YYYY-MM-DD] [--json]`: usage figures from the configured database
 * (NETRA_DATA_DIR): questions per day (WIB) and channel, verdict mix, 👍/👎, reports by status.
 */

const VERDICT_LABELS: Record<string, string> = {
  dilarang: 'dilarang',
  boleh: 'boleh',
  boleh_bersyarat: 'boleh bersyarat',
  informasi: 'informasi',
  tidak_pasti: 'belum pasti',
  di_luar_topik: 'di luar topik',
};

const pct = (n: number, total: number) => (total === 0 ? '  -  ' : `${((100 * n) / total).toFixed(1).padStart(5)}%`);

/** The stats as a few readable tables (Indonesian, like the rest of the admin tools). */
export function formatStats(s: NetraStats, sinceLabel?: string): string {
  const lines: string[] = [];
  lines.push(`Statistik Netra ${sinceLabel ? `sejak ${sinceLabel} (WIB)` : 'sepanjang waktu'}`);
  lines.push(`Pertanyaan: ${s.totals.questions}    Laporan: ${s.totals.reports}`);
  lines.push('');

  const channels = [...new Set(s.questionsPerDay.map((r) => r.channel))].sort();
  const days = [...new Set(s.questionsPerDay.map((r) => r.day))].sort();
  lines.push('Pertanyaan per hari (WIB) dan kanal:');
  if (days.length === 0) lines.push('  (belum ada)');
  else {
    const width = Math.max(6, ...channels.map((c) => c.length));
    lines.push(`  ${'tanggal'.padEnd(10)}  ${channels.map((c) => c.padStart(width)).join('  ')}  ${'total'.padStart(6)}`);
    const perChannel = new Map<string, number>();
    for (const day of days) {
      const counts = channels.map((c) => s.questionsPerDay.find((r) => r.day === day && r.channel === c)?.count ?? 0);
      counts.forEach((n, i) => {
        perChannel.set(channels[i]!, (perChannel.get(channels[i]!) ?? 0) + n);
      });
      const total = counts.reduce((a, b) => a + b, 0);
      lines.push(`  ${day.padEnd(10)}  ${counts.map((n) => String(n).padStart(width)).join('  ')}  ${String(total).padStart(6)}`);
    }
    if (days.length > 1) {
      lines.push(
        `  ${'jumlah'.padEnd(10)}  ${channels.map((c) => String(perChannel.get(c) ?? 0).padStart(width)).join('  ')}  ${String(s.totals.questions).padStart(6)}`,
      );
    }
  }
  lines.push('');

  lines.push('Putusan:');
  const verdicts = Object.entries(s.verdicts).sort(([, a], [, b]) => b - a);
  if (verdicts.length === 0) lines.push('  (belum ada)');
  for (const [v, n] of verdicts) lines.push(`  ${(VERDICT_LABELS[v] ?? v).padEnd(16)} ${String(n).padStart(6)}  ${pct(n, s.totals.questions)}`);
  lines.push('');

  const votes = s.feedback.up + s.feedback.down;
  lines.push(`Masukan: 👍 ${s.feedback.up}   👎 ${s.feedback.down}${votes > 0 ? `   (${((100 * s.feedback.up) / votes).toFixed(0)}% membantu)` : ''}`);
  lines.push('');

  lines.push('Laporan per status:');
  for (const [status, n] of Object.entries(s.reportsByStatus)) lines.push(`  ${status.padEnd(16)} ${String(n).padStart(6)}`);
  return lines.join('\n');
}

const USAGE = 'Pemakaian: npm run stats [-- --since YYYY-MM-DD] [--json]';

function parseArgs(argv: string[]): { json: boolean; since?: string } {
  const out: { json: boolean; since?: string } = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') out.json = true;
    else if (a === '--since') {
      out.since = argv[++i];
      if (!out.since) throw new UsageError('--since membutuhkan tanggal YYYY-MM-DD');
    } else if (a.startsWith('--since=')) out.since = a.slice('--since='.length);
    else if (a === '--help' || a === '-h') throw new UsageError('');
    else throw new UsageError(`argumen tidak dikenal: ${a}`);
  }
  return out;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  let stats: NetraStats;
  let exists = true;
  const database = config.databaseUrl ? describeDatabaseUrl(config.databaseUrl) : config.databasePath;
  if (config.databaseUrl) {
    // The shared PostgreSQL database (DATABASE_URL): every worker's questions and reports.
    const pg = await openPostgres({ connectionString: config.databaseUrl, max: 2 });
    try {
      stats = await new PostgresQuestionLog(pg).stats({ since: args.since });
    } finally {
      await pg.close();
    }
  } else {
    // A fresh install has no database yet: show zeros rather than creating one as a side effect.
    exists = fs.existsSync(config.databasePath);
    const db = openDatabase(exists ? config.databasePath : ':memory:');
    try {
      stats = new QuestionLog(db).stats({ since: args.since });
    } finally {
      db.close();
    }
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ database, exists, ...stats })}\n`);
  } else {
    if (!exists) console.log(`(Belum ada basis data di ${config.databasePath}.)`);
    console.log(formatStats(stats, args.since));
  }
  return 0;
}

runIfInvokedDirectly(import.meta.url, main, 'stats', USAGE);
