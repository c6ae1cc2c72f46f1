import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import type { NetraApp } from '../src/app.js';
import { startHttpApi } from '../src/channels/http/http-api.js';

/**
 * The HTTP abuse figures of `npm run bench` (issue 13, "Abuse and limits"), kept apart from the
 * speed figures in bench.ts: memory after many distinct conversations, and how fast /healthz
 * answers while the API is busy answering questions.
 */
export interface LimitsBenchResult {
  /** Distinct conversationIds asked through POST /v1/ask. */
  conversations: number;
  /** Conversations the memory holds afterwards (capped by CONVERSATION_MEMORY_MAX). */
  conversations_held: number;
  /** Heap growth over those conversations, MB, measured after a full GC before and after. */
  conversations_heap_mb: number;
  rss_after_conversations_mb: number;
  healthz_p50_ms: number;
  healthz_p95_ms: number;
  healthz_max_ms: number;
  /** Questions answered while /healthz was probed, and how many failed. */
  healthz_load_answers: number;
  healthz_load_errors: number;
}

const QUESTION = 'Bolehkah PNS like postingan caleg di Instagram?';

const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, mode, total, concurrency, question } = workerData;
(async () => {
  let next = 0, errors = 0, answers = 0;
  const probe = [];
  let busy = true;
  const ask = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      try {
        const body = mode === 'conversations' ? { question, conversationId: 'bench-' + i } : { question };
        const res = await fetch(url + '/v1/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        await res.arrayBuffer();
        if (res.status === 200) answers++; else errors++;
      } catch { errors++; }
    }
  };
  const health = async () => {
    while (busy) {
      const t = performance.now();
      try { const res = await fetch(url + '/healthz'); await res.arrayBuffer(); } catch {}
      probe.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const probing = mode === 'healthz' ? health() : Promise.resolve();
  await Promise.all(Array.from({ length: concurrency }, ask));
  busy = false;
  await probing;
  parentPort.postMessage({ errors, answers, probe });
})();
`;

function runClient(data: { url: string; mode: 'conversations' | 'healthz'; total: number; concurrency: number }): Promise<{ errors: number; answers: number; probe: number[] }> {
  const worker = new Worker(CLIENT_SOURCE, { eval: true, workerData: { ...data, question: QUESTION } });
  return new Promise((resolve, reject) => {
    worker.once('message', (m) => {
      void worker.terminate();
      resolve(m as { errors: number; answers: number; probe: number[] });
    });
    worker.once('error', reject);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** A full garbage collection, so heap figures are what is still held, not what awaits collection. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Asks `conversations` distinct conversationIds through a real HTTP API (so the same memory the
 * API and chats share fills up), then probes /healthz while 64 clients ask questions.
 */
export async function measureLimits(app: NetraApp, options: { conversations: number; loadRequests: number }, say: (line: string) => void): Promise<LimitsBenchResult> {
  const api = await startHttpApi({ app, port: 0, host: '127.0.0.1' });
  try {
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const filled = await runClient({ url: api.url, mode: 'conversations', total: options.conversations, concurrency: 8 });
    collectGarbage();
    const heapAfter = process.memoryUsage().heapUsed;
    const held = app.conversation.asker.memory.size;
    const rss = process.memoryUsage().rss / 2 ** 20;
    say(
      `memory          ${options.conversations} conversations: ${held} held, heap +${((heapAfter - heapBefore) / 2 ** 20).toFixed(1)} MB, RSS ${rss.toFixed(0)} MB (${filled.errors} errors)`,
    );

    const load = await runClient({ url: api.url, mode: 'healthz', total: options.loadRequests, concurrency: 64 });
    const probe = [...load.probe].sort((a, b) => a - b);
    say(
      `/healthz        under c=64 load: p50 ${percentile(probe, 50).toFixed(1)} ms, p95 ${percentile(probe, 95).toFixed(1)} ms, max ${probe.at(-1)?.toFixed(1)} ms (${probe.length} probes, ${load.answers} answers, ${load.errors} errors)`,
    );
    return {
      conversations: options.conversations,
      conversations_held: held,
      conversations_heap_mb: round((heapAfter - heapBefore) / 2 ** 20),
      rss_after_conversations_mb: round(rss, 0),
      healthz_p50_ms: round(percentile(probe, 50)),
      healthz_p95_ms: round(percentile(probe, 95)),
      healthz_max_ms: round(probe.at(-1) ?? Number.NaN),
      healthz_load_answers: load.answers,
      healthz_load_errors: load.errors + filled.errors,
    };
  } finally {
    await api.close();
  }
}
