import { createNetra } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { HybridRetriever } from '../src/retrieval/hybrid-retriever.js';
import fs from 'node:fs';
import { BENCH_QUESTIONS, peakRssMb, percentile } from './bench.js';

/**
 * The answering side of `npm run bench -- --scale …`, run as its own process so its memory is
 * what a server holding that index needs: starts Netra on the index already built in
 * NETRA_DATA_DIR (as `npm start` would), answers the bench questions after a warm-up pass, and
 * prints one JSON line: start-up index load, per-question mean/p50/p95/max and RSS. With
 * BENCH_REINDEX_FILE set, it then changes that document and re-indexes in the same process, as
 * an admin's `/reindex` does, and reports that re-index's time and the memory it needed (the
 * serving index stays loaded meanwhile, so this is the server's true peak).
 */
async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', EMBEDDINGS_PROVIDER: 'local' });
  const t0 = performance.now();
  const app = await createNetra(config, silentLogger());
  const startMs = performance.now() - t0;
  try {
    for (const b of BENCH_QUESTIONS) await app.pipeline.ask(b.question);
    const samples: number[] = [];
    // CPU time as well as wall time: on a shared machine wall time also counts other processes' turns.
    const cpuBefore = process.cpuUsage();
    for (let r = 0; r < rounds; r++) {
      for (const b of BENCH_QUESTIONS) {
        const t = performance.now();
        await app.pipeline.ask(b.question);
        samples.push(performance.now() - t);
      }
    }
    const cpu = process.cpuUsage(cpuBefore);
    // Retrieval alone (the hybrid search and the card search each question makes), to tell the
    // index's share of a question from the answer layer's.
    const retriever = new HybridRetriever({ index: () => app.index.get(), k: 20 });
    const retrieval: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const b of BENCH_QUESTIONS) {
        const t = performance.now();
        await retriever.search(b.question, 20);
        await retriever.search(b.question, 10, 'card');
        retrieval.push(performance.now() - t);
      }
    }
    retrieval.sort((a, b) => a - b);
    samples.sort((a, b) => a - b);
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    const peakMb = peakRssMb();
    const reindex: Record<string, number> = {};
    const changeFile = process.env.BENCH_REINDEX_FILE;
    if (changeFile) {
      fs.writeFileSync(changeFile, `${fs.readFileSync(changeFile, 'utf8').trimEnd()} Ketentuan ini diubah lewat /reindex.\n`);
      const t = performance.now();
      const summary = await app.index.rebuild();
      reindex.server_reindex_ms = performance.now() - t;
      if (summary.noop || app.index.get().manifest.buildId !== summary.buildId) throw new Error('the in-process re-index did not switch');
      await app.pipeline.ask(BENCH_QUESTIONS[0]!.question);
      reindex.server_reindex_rss_mb = process.memoryUsage().rss / 2 ** 20;
      reindex.server_reindex_peak_rss_mb = peakRssMb();
    }
    process.stdout.write(
      `${JSON.stringify({
        start_ms: startMs,
        mean_ms: mean,
        cpu_mean_ms: (cpu.user + cpu.system) / 1000 / samples.length,
        p50_ms: percentile(samples, 50),
        p95_ms: percentile(samples, 95),
        max_ms: samples.at(-1),
        retrieval_mean_ms: retrieval.reduce((x, y) => x + y, 0) / retrieval.length,
        retrieval_p95_ms: percentile(retrieval, 95),
        answers: samples.length,
        rss_mb: rssMb,
        peak_rss_mb: peakMb,
        ...reindex,
      })}\n`,
    );
  } finally {
    await app.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error((err as Error).stack ?? String(err));
    process.exit(1);
  },
);
