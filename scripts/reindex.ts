import cliProgress from 'cli-progress';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { KnowledgeValidationError } from '../src/knowledge/knowledge-base.js';
import { buildIndex } from '../src/retrieval/index-store.js';

/**
 * `npm run reindex [-- --force]`: validates knowledge/, re-embeds what changed and switches the
 * index atomically. A running bot notices the new index by itself (hot re-index).
 */
async function main(): Promise<number> {
  const force = process.argv.includes('--force');
  const config = loadConfig();
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: 'Embedding  [{bar}] {value}/{total} potongan', stream: process.stderr }, cliProgress.Presets.shades_classic)
    : undefined;
  let started = false;
  const summary = await buildIndex({
    knowledgeDir: config.knowledgeDir,
    indexRoot: config.indexDir,
    config,
    force,
    onProgress: ({ done, total }) => {
      if (!bar || total === 0) return;
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
  });
  if (started) bar?.stop();
  const m = summary.manifest;
  const lines = [
    summary.noop ? 'Indeks sudah mutakhir: tidak ada yang berubah.' : 'Indeks baru dibuat dan langsung dipakai.',
    `  build          ${summary.buildId}`,
    `  dokumen        ${m.counts.documents} (${m.counts.regulations} peraturan, ${m.counts.news} berita)`,
    `  kartu kasus    ${m.counts.cards}`,
    `  kalender       ${m.counts.elections} pemilihan`,
    `  potongan       ${m.counts.chunks}`,
    `  embedding      ${m.embedder.provider}/${m.embedder.model} (${m.embedder.dimensions} dimensi)`,
    `  baru/ubah/hapus ${summary.added.length}/${summary.changed.length}/${summary.removed.length}`,
    `  di-embed       ${summary.embedded} baru, ${summary.reusedEmbeddings} dari cache`,
    `  waktu          ${(summary.ms / 1000).toFixed(2)} s`,
  ];
  for (const [label, ids] of [
    ['baru', summary.added],
    ['berubah', summary.changed],
    ['dihapus', summary.removed],
  ] as const) {
    if (ids.length > 0 && ids.length <= 12) lines.push(`  ${label}: ${ids.join(', ')}`);
  }
  console.log(lines.join('\n'));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof KnowledgeValidationError) {
      console.error(`${err.message}\nIndeks yang sedang dipakai tidak diubah.`);
    } else if (err instanceof ConfigError) {
      console.error(err.message);
    } else {
      console.error(`Re-index gagal: ${(err as Error).stack ?? String(err)}\nIndeks yang sedang dipakai tidak diubah.`);
    }
    process.exit(1);
  },
);
