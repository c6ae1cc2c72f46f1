import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createNetra, type NetraApp } from '../src/app.js';
import { startHttpApi } from '../src/channels/http/http-api.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { buildIndex, loadIndex } from '../src/retrieval/index-store.js';
import { measureLimits } from './bench-limits.js';

/**
 * `npm run bench`: measures Netra on this machine — offline answer latency, HTTP throughput at
 * 1/8/64 concurrent clients, index load and re-index times, peak memory — prints readable lines
 * and, as the very last line, one JSON object with the figures (for CI and the README table).
 * Everything runs in a temporary data directory on the repository's knowledge/, offline.
 */

export type BenchQuestionKind = 'conduct' | 'sanction' | 'news' | 'report' | 'info' | 'english' | 'off_topic';

export interface BenchQuestion {
  question: string;
  kind: BenchQuestionKind;
  /** On-topic questions must come back with at least one citation. */
  onTopic: boolean;
}

const q = (kind: BenchQuestionKind, question: string): BenchQuestion => ({ question, kind, onTopic: kind !== 'off_topic' });

/** ~60 realistic questions, in the way ASN actually ask them (slang, typos, English, off-topic). */
export const BENCH_QUESTIONS: readonly BenchQuestion[] = [
  // Conduct: what may I do?
  q('conduct', 'Bolehkah PNS like postingan caleg di Instagram?'),
  q('conduct', 'pns boleh ga sih ngeshare postingan capres di fb?'),
  q('conduct', 'Apakah ASN boleh ikut kampanye calon bupati di hari libur?'),
  q('conduct', 'Saya guru PPPK, boleh nggak pasang twibbon paslon di foto profil WA?'),
  q('conduct', 'Bolehkah PNS foto bareng caleg lalu diunggah ke medsos?'),
  q('conduct', 'kalau foto sama calon gubernur pakai pose dua jari boleh ga?'),
  q('conduct', 'Apakah PNS boleh menjadi anggota partai politik?'),
  q('conduct', 'Bolehkah ASN menjadi tim sukses kakaknya yang nyaleg?'),
  q('conduct', 'Istri saya maju jadi caleg DPRD, bolehkah saya mendampinginya saat kampanye?'),
  q('conduct', 'Bolehkah PNS memakai mobil dinas untuk mengantar calon ke acara kampanye?'),
  q('conduct', 'Boleh tidak rumah dinas dipakai jadi posko pemenangan?'),
  q('conduct', 'Apakah boleh PNS hadir di kampanye hanya untuk mendengarkan visi misi tanpa atribut?'),
  q('conduct', 'Bolehkah PNS memakai kaos partai saat datang ke kampanye?'),
  q('conduct', 'Atasan saya menyuruh semua staf mendukung petahana, apakah saya wajib ikut?'),
  q('conduct', 'Bolehkah kepala dinas mengumpulkan bawahan dan mengajak memilih calon tertentu?'),
  q('conduct', 'Apakah guru ASN boleh mengarahkan murid memilih calon tertentu?'),
  q('conduct', 'Bolehkah PNS membagikan sembako dari calon walikota ke warga?'),
  q('conduct', 'Apakah PNS boleh mengumpulkan fotokopi KTP untuk calon perseorangan?'),
  q('conduct', 'Bolehkah PNS ikut mencoblos di TPS?'),
  q('conduct', 'Apakah PNS boleh menjadi anggota KPPS?'),
  q('conduct', 'Bolehkah ASN memasang baliho caleg di pagar rumahnya?'),
  q('conduct', 'Apakah PNS boleh follow akun pemenangan capres dan gabung grup WA relawan?'),
  q('conduct', 'Bolehkah PNS jadi saksi partai di TPS?'),
  q('conduct', 'Bolehkah PNS menyumbang dana untuk kampanye teman yang nyalon?'),
  q('conduct', 'Apakah PNS yang mau nyaleg harus mengundurkan diri?'),
  q('conduct', 'Bolehkah ASN jadi MC di acara deklarasi calon bupati?'),
  q('conduct', 'boleh gak pns bikin story wa berisi flyer calon?'),
  q('conduct', 'Apakah honorer juga wajib netral dalam pilkada?'),
  q('conduct', 'Bolehkah ASN mengkritik calon presiden di Twitter?'),
  q('conduct', 'Apakah PNS boleh menyebarkan berita netral tentang jadwal debat capres?'),
  // Sanctions.
  q('sanction', 'Apa sanksi PNS yang ikut kampanye?'),
  q('sanction', 'Hukuman disiplin apa untuk PNS yang memberi dukungan kepada calon?'),
  q('sanction', 'Apa ancaman pidana bagi pejabat ASN yang tidak netral di pilkada?'),
  q('sanction', 'Sanksi apa yang diberikan jika PNS menjadi anggota partai politik?'),
  q('sanction', 'Apa sanksi bagi tim kampanye yang melibatkan ASN?'),
  q('sanction', 'Apa itu sanksi moral pelanggaran kode etik netralitas?'),
  // News.
  q('news', 'Apa kata Pj Bupati OKU tentang netralitas ASN pada Pemilu 2024?'),
  q('news', 'Apa yang disampaikan Kesbangpol Balikpapan soal netralitas ASN?'),
  q('news', 'Berita terbaru tentang ketidaknetralan ASN menurut IKP?'),
  q('news', 'Apa kata Idris soal netralitas ASN?'),
  // Reporting.
  q('report', 'Bagaimana cara melaporkan ASN yang tidak netral?'),
  q('report', 'Saya melihat camat ikut kampanye kemarin, ke mana saya harus melapor?'),
  q('report', 'Berapa lama batas waktu melaporkan pelanggaran pemilu ke Bawaslu?'),
  q('report', 'Apa saja isi laporan pelanggaran pilkada?'),
  q('report', 'Siapa sekarang yang mengawasi netralitas ASN setelah KASN dibubarkan?'),
  // Information.
  q('info', 'Apa dasar hukum netralitas ASN?'),
  q('info', 'Apa isi SKB netralitas ASN tahun 2022?'),
  q('info', 'Apakah aturan netralitas PPPK sama dengan PNS?'),
  q('info', 'Kapan petahana wajib cuti di luar tanggungan negara?'),
  q('info', 'Bolehkah kepala daerah mengganti pejabat enam bulan sebelum penetapan paslon?'),
  // English.
  q('english', 'Can a civil servant attend a campaign rally?'),
  q('english', 'Is a civil servant allowed to like a candidate post on Instagram?'),
  q('english', 'What is the sanction for a civil servant who joins a political party?'),
  q('english', 'May civil servants vote in the election?'),
  q('english', 'How do I report a civil servant who is not neutral?'),
  // Off-topic.
  q('off_topic', 'Resep nasi goreng kampung yang enak gimana?'),
  q('off_topic', 'Halo selamat pagi'),
  q('off_topic', 'Partai mana yang paling layak saya pilih?'),
  q('off_topic', 'Berapa harga tiket kereta Jakarta Bandung?'),
  q('off_topic', 'What is the weather in Jakarta today?'),
];

export const TARGETS = { p95Ms: 50, indexLoadMs: 1000, reindexFullMs: 10_000, reindexNoopMs: 2000 } as const;

export interface BenchResult {
  p50_ms: number;
  p95_ms: number;
  qps_c1: number;
  qps_c8: number;
  qps_c64: number;
  rss_mb: number;
  index_load_ms: number;
  reindex_full_ms: number;
  reindex_noop_ms: number;
  [extra: string]: number | string | boolean;
}

/** The folder holding package.json above `dir`: scripts/ when run by tsx, dist/scripts/ when compiled. */
function packageRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) throw new Error(`package.json tidak ditemukan di atas ${dir}`);
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/**
 * The most memory this process has held, in MB. Linux's `VmHWM` is this process image's own high
 * water mark; `resourceUsage().maxRSS` is not, for a spawned child: getrusage keeps the parent's
 * peak across fork and exec, so a server started by a bench that had built a large index reported
 * the bench's memory as its own (801 MB at 100× where the server held 500).
 */
export function peakRssMb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // Not Linux: fall back to getrusage (exact for a process not spawned by a larger one).
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Offline answer latency through `pipeline.ask`, after a warm-up pass. */
async function measureLatency(app: NetraApp, rounds: number): Promise<{ samples: number[]; byKind: Map<string, number[]> }> {
  for (const b of BENCH_QUESTIONS) await app.pipeline.ask(b.question);
  const samples: number[] = [];
  const byKind = new Map<string, number[]>();
  for (let r = 0; r < rounds; r++) {
    for (const b of BENCH_QUESTIONS) {
      const t = performance.now();
      await app.pipeline.ask(b.question);
      const ms = performance.now() - t;
      samples.push(ms);
      byKind.set(b.kind, [...(byKind.get(b.kind) ?? []), ms]);
    }
  }
  return { samples: samples.sort((a, b) => a - b), byKind };
}

/**
 * The load client, run in a worker thread so its own work (JSON, fetch) does not compete with the
 * server for the main thread: `total` POST /v1/ask requests from `concurrency` clients, each
 * waiting for its answer before sending the next, request i to server i mod n (a round-robin load
 * balancer when several are given); Node's fetch (undici) keeps connections alive.
 */
const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { urls, concurrency, total, questions } = workerData;
(async () => {
  let next = 0, errors = 0;
  const latencies = [];
  const started = performance.now();
  const client = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t = performance.now();
      try {
        const res = await fetch(urls[i % urls.length] + '/v1/ask', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ question: questions[i % questions.length] }),
        });
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  parentPort.postMessage({ seconds: (performance.now() - started) / 1000, errors, latencies });
})();
`;

export async function measureThroughput(url: string | readonly string[], concurrency: number, total: number): Promise<{ qps: number; errors: number; p95: number }> {
  const worker = new Worker(CLIENT_SOURCE, {
    eval: true,
    workerData: { urls: typeof url === 'string' ? [url] : [...url], concurrency, total, questions: BENCH_QUESTIONS.map((b) => b.question) },
  });
  try {
    const out = await new Promise<{ seconds: number; errors: number; latencies: number[] }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`load client exited (${code})`)));
    });
    return { qps: total / out.seconds, errors: out.errors, p95: percentile(out.latencies.sort((a, b) => a - b), 95) };
  } finally {
    await worker.terminate();
  }
}

/**
 * Answers per second while the LLM endpoint hangs: once the circuit breaker is open, questions
 * must cost what offline ones do instead of a timeout each. Measures the questions it took to
 * open the breaker (each waits for the per-question budget) and the throughput afterwards.
 */
async function measureHangingLlm(baseEnv: NodeJS.ProcessEnv, repoRoot: string, rounds: number): Promise<{ openAfter: number; qps: number; state: string }> {
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer(() => {
    /* never answers */
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const config = loadConfig(
    {
      ...baseEnv,
      OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
      OPENAI_API_KEY: 'sk-bench',
      EMBEDDINGS_PROVIDER: 'local',
      LLM_BUDGET_MS: '500',
      LLM_BREAKER_FAILURES: '3',
      LLM_BREAKER_COOLDOWN_MS: '600000',
    },
    repoRoot,
  );
  const app = await createNetra(config, silentLogger());
  try {
    let openAfter = 0;
    for (const b of BENCH_QUESTIONS) {
      if (app.llm?.health().state === 'open') break;
      await app.pipeline.ask(b.question);
      openAfter += 1;
    }
    const started = performance.now();
    let n = 0;
    for (let r = 0; r < rounds; r++) {
      for (const b of BENCH_QUESTIONS) {
        await app.pipeline.ask(b.question);
        n += 1;
      }
    }
    return { openAfter, qps: n / ((performance.now() - started) / 1000), state: app.llm?.health().state ?? 'none' };
  } finally {
    await app.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function main(): Promise<number> {
  const scaleArg = process.argv.indexOf('--scale');
  if (scaleArg >= 0) {
    // `--scale 1,10,100`: the same measures at each size of knowledge base (see bench-scale.ts).
    const scales = (process.argv[scaleArg + 1] ?? '').split(',').map(Number);
    if (scales.length === 0 || scales.some((s) => !Number.isInteger(s) || s < 1)) throw new Error('--scale expects sizes such as 1,10,100');
    const { runScaleBench } = await import('./bench-scale.js');
    return runScaleBench(scales, (line) => process.stdout.write(`${line}\n`));
  }
  const requestsPerLevel = Number(process.env.BENCH_REQUESTS ?? 300);
  const latencyRounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const repoRoot = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-bench-'));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const configEnv = {
      ...process.env,
      NETRA_DATA_DIR: tmp,
      NETRA_KNOWLEDGE_DIR: path.join(repoRoot, 'knowledge'),
      OPENAI_API_KEY: '',
      OPENAI_BASE_URL: '',
      EMBEDDINGS_PROVIDER: 'local',
      LOG_LEVEL: 'silent',
      // The embedded engine for the figures above; the PostgreSQL rows set it themselves.
      DATABASE_URL: '',
    };
    const config = loadConfig(configEnv, repoRoot);
    say(`Netra bench — Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM`);
    say(`data dir ${tmp} (temporary), offline composer, local embeddings`);

    // Re-index: full (empty embedding cache, forced) into a fresh index dir, then a no-op.
    const indexRoot = path.join(tmp, 'bench-index');
    const full = await buildIndex({ knowledgeDir: config.knowledgeDir, indexRoot, config, force: true });
    const noop = await buildIndex({ knowledgeDir: config.knowledgeDir, indexRoot, config });
    if (!noop.noop) throw new Error('second re-index was expected to be a no-op');
    say(`re-index full   ${full.ms.toFixed(0)} ms (${full.manifest.counts.chunks} chunks, ${full.embedded} embedded)`);
    say(`re-index no-op  ${noop.ms.toFixed(0)} ms`);

    // Index load: median of a few loads of the same build.
    const loads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await loadIndex(indexRoot, config);
      loads.push(performance.now() - t);
    }
    loads.sort((a, b) => a - b);
    const indexLoadMs = percentile(loads, 50);
    say(`index load      ${indexLoadMs.toFixed(1)} ms (median of ${loads.length}; min ${loads[0]!.toFixed(1)}, max ${loads.at(-1)!.toFixed(1)})`);

    const app = await createNetra(config, silentLogger());
    try {
      const { samples, byKind } = await measureLatency(app, latencyRounds);
      const p50 = percentile(samples, 50);
      const p95 = percentile(samples, 95);
      say(`answer latency  p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${samples.at(-1)!.toFixed(1)} ms (${samples.length} answers, ${BENCH_QUESTIONS.length} questions × ${latencyRounds})`);
      for (const [kind, list] of byKind) {
        const s = [...list].sort((a, b) => a - b);
        say(`  ${kind.padEnd(10)} p50 ${percentile(s, 50).toFixed(1)} ms, p95 ${percentile(s, 95).toFixed(1)} ms`);
      }

      const api = await startHttpApi({ app, port: 0, host: '127.0.0.1' });
      const qps: Record<number, number> = {};
      let httpErrors = 0;
      try {
        await measureThroughput(api.url, 8, 60); // warm-up
        for (const c of [1, 8, 64]) {
          const r = await measureThroughput(api.url, c, requestsPerLevel);
          qps[c] = r.qps;
          httpErrors += r.errors;
          say(`HTTP c=${String(c).padEnd(3)} ${r.qps.toFixed(1)} req/s, p95 ${r.p95.toFixed(1)} ms, ${r.errors} errors (${requestsPerLevel} requests)`);
        }
      } finally {
        await api.close();
      }

      // HTTP abuse figures (bench-limits.ts): memory after many conversations, /healthz under load.
      const limits = await measureLimits(
        app,
        { conversations: Number(process.env.BENCH_CONVERSATIONS ?? 10_000), loadRequests: requestsPerLevel },
        say,
      );

      const hanging = await measureHangingLlm(
        { ...process.env, NETRA_DATA_DIR: tmp, NETRA_KNOWLEDGE_DIR: path.join(repoRoot, 'knowledge'), LOG_LEVEL: 'silent' },
        repoRoot,
        latencyRounds,
      );
      const offlineQps = 1000 / (samples.reduce((a, b) => a + b, 0) / samples.length);
      say(
        `LLM hanging     breaker ${hanging.state} after ${hanging.openAfter} questions; then ${hanging.qps.toFixed(0)} answers/s (offline ${offlineQps.toFixed(0)} answers/s)`,
      );

      // Scaling out: a report submission on each engine, and 1-3 workers on PostgreSQL (bench-workers.ts).
      const { freshDatabase, measureReportSubmissions, measureWorkerScaling } = await import('./bench-workers.js');
      const reports = Number(process.env.BENCH_REPORTS ?? 40);
      const sqliteSubmit = await measureReportSubmissions(app, reports, 710_000_000);
      const scaling: Record<string, number | string> = { report_submit_p95_ms_sqlite: round(percentile(sqliteSubmit, 95)) };
      say(`report submit   SQLite p95 ${percentile(sqliteSubmit, 95).toFixed(1)} ms, p50 ${percentile(sqliteSubmit, 50).toFixed(1)} ms (${reports} reports, the confirming turn)`);
      const pgUrl = process.env.BENCH_DATABASE_URL?.trim() || process.env.NETRA_TEST_DATABASE_URL?.trim();
      if (!pgUrl) {
        say('PostgreSQL rows skipped: set BENCH_DATABASE_URL=postgres://user@host:5432/db (or NETRA_TEST_DATABASE_URL); a fresh database is created there and dropped');
        scaling.postgres = 'skipped';
      } else {
        const db = await freshDatabase(pgUrl);
        try {
          const pgApp = await createNetra(loadConfig({ ...configEnv, DATABASE_URL: db.url, DATABASE_POOL_SIZE: '4' }, repoRoot), silentLogger());
          try {
            const pgSubmit = await measureReportSubmissions(pgApp, reports, 720_000_000);
            scaling.report_submit_p95_ms_postgres = round(percentile(pgSubmit, 95));
            say(`report submit   PostgreSQL p95 ${percentile(pgSubmit, 95).toFixed(1)} ms, p50 ${percentile(pgSubmit, 50).toFixed(1)} ms (${reports} reports)`);
          } finally {
            await pgApp.close();
          }
          Object.assign(
            scaling,
            await measureWorkerScaling({
              repoRoot,
              dataDir: tmp,
              knowledgeDir: config.knowledgeDir,
              databaseUrl: db.url,
              requests: requestsPerLevel * 2,
              concurrency: 16,
              measure: measureThroughput,
              say,
            }),
          );
        } finally {
          await db.drop();
        }
      }

      const rssMb = peakRssMb();
      say(`peak RSS        ${rssMb.toFixed(0)} MB`);

      const checks: [string, boolean, string][] = [
        ['p95 < 50 ms per offline answer', p95 < TARGETS.p95Ms, `${p95.toFixed(1)} ms`],
        ['index load < 1 s', indexLoadMs < TARGETS.indexLoadMs, `${indexLoadMs.toFixed(0)} ms`],
        ['full re-index < 10 s', full.ms < TARGETS.reindexFullMs, `${full.ms.toFixed(0)} ms`],
        ['no-op re-index < 2 s', noop.ms < TARGETS.reindexNoopMs, `${noop.ms.toFixed(0)} ms`],
        ['no HTTP errors', httpErrors === 0, `${httpErrors} errors`],
        ['LLM breaker opens on a hanging endpoint', hanging.state === 'open', hanging.state],
      ];
      say('targets:');
      for (const [label, ok, value] of checks) say(`  ${ok ? 'MET   ' : 'MISSED'} ${label} (${value})`);

      const result: BenchResult = {
        p50_ms: round(p50),
        p95_ms: round(p95),
        qps_c1: round(qps[1] ?? 0),
        qps_c8: round(qps[8] ?? 0),
        qps_c64: round(qps[64] ?? 0),
        rss_mb: round(rssMb, 0),
        index_load_ms: round(indexLoadMs),
        reindex_full_ms: round(full.ms, 0),
        reindex_noop_ms: round(noop.ms),
        max_ms: round(samples.at(-1)!),
        answers: samples.length,
        requests_per_level: requestsPerLevel,
        http_errors: httpErrors,
        llm_hanging_breaker_open_qps: round(hanging.qps),
        llm_hanging_questions_to_open: hanging.openAfter,
        offline_qps: round(offlineQps),
        chunks: full.manifest.counts.chunks,
        cpus: os.cpus().length,
        node: process.version,
        targets_met: checks.every(([, ok]) => ok),
        ...limits,
        ...scaling,
      };
      say(JSON.stringify(result));
      return 0;
    } finally {
      await app.close();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`bench gagal: ${(err as Error).stack ?? String(err)}`);
      process.exit(1);
    },
  );
}
