import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { NetraApp } from '../src/app.js';
import type { IncomingMessage, OutgoingMessage } from '../src/conversation/messages.js';

/**
 * The scaling-out part of `npm run bench`: the p95 of a report submission (the confirming
 * message of a whole report, through the conversation) on an engine, and answers per second of
 * 1, 2 and 3 compiled `npm start` workers sharing one PostgreSQL database, driven through their
 * HTTP APIs (`POST /v1/ask`) by a round-robin client.
 */

/** The text of a turn's replies. */
const textOf = (out: OutgoingMessage[]): string => out.map((o) => (o.kind === 'text' ? o.text : o.kind === 'ack' ? (o.text ?? '') : o.answer.answer)).join('\n');

/**
 * Files `reports` whole reports, each from its own Telegram private chat (the chat rate limit is
 * per user), and returns the milliseconds of each confirming turn (`confirm:send`: the report's
 * transaction, routing, the reporter's ticket), sorted.
 */
export async function measureReportSubmissions(app: NetraApp, reports: number, firstChat: number): Promise<number[]> {
  const samples: number[] = [];
  for (let n = 0; n < reports; n++) {
    const id = String(firstChat + n);
    const base: IncomingMessage = { channel: 'telegram', chatId: id, userId: id, isPrivate: true, text: '' };
    const say = (text: string) => app.conversation.handle({ ...base, text });
    const press = (choiceId: string) => app.conversation.handle({ ...base, choiceId });
    const started = await say('/lapor');
    const kind = started.flatMap((o) => (o.kind === 'ack' ? [] : (o.choices ?? []))).find((c) => c.id.startsWith('kind:') && c.id !== 'kind:lainnya');
    if (!kind) throw new Error('no violation kind offered');
    await press(kind.id);
    await press('election:pemilu');
    await say('Budi Santoso');
    await say('Kepala Seksi Umum');
    await say('Dinas Pendidikan Kabupaten Contoh');
    await press('skip');
    if (/Kapan Anda mengetahuinya/.test(textOf(await say('09-01-2024')))) await press('known:same');
    await say('Ruang rapat Dinas Pendidikan, Kabupaten Contoh');
    await say('Terlapor membagikan poster kampanye caleg di grup WhatsApp kantor dan meminta staf memilihnya.');
    await say('selesai');
    await press('evidence:skip');
    await press('identity:anon');
    const t = performance.now();
    const done = await press('confirm:send');
    samples.push(performance.now() - t);
    if (!/NTR-[0-9A-Z]{4}-[0-9A-Z]{4}/.test(textOf(done))) throw new Error(`report not stored: ${textOf(done).slice(0, 200)}`);
  }
  return samples.sort((a, b) => a - b);
}

/**
 * A new empty database next to `url`'s, dropped by `drop` (with any connection left): for subjects
 * that get only a DATABASE_URL (spawned workers). Also used by the multi-worker test.
 */
export async function freshDatabase(url: string, prefix = 'netra_bench'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return { url: target.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface RunningWorker {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts one compiled `npm start` serving the HTTP API, and waits until /healthz answers. */
async function startWorker(repoRoot: string, env: Record<string, string>): Promise<RunningWorker> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'src', 'cli', 'start.js')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString('utf8')).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`worker exited at start:\n${log}`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status === 200) return { url, child, exited };
    } catch {
      // not listening yet
    }
    if (attempt > 600) throw new Error(`worker did not start within a minute:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface WorkerScalingOptions {
  repoRoot: string;
  /** A data directory holding the index (shared by the workers, as a mounted directory would be). */
  dataDir: string;
  knowledgeDir: string;
  databaseUrl: string;
  /** Requests per measurement. */
  requests: number;
  /** Concurrent clients, the same for every worker count. */
  concurrency: number;
  measure: (urls: readonly string[], concurrency: number, total: number) => Promise<{ qps: number; errors: number; p95: number }>;
  say: (line: string) => void;
}

/** Answers per second of one SQLite worker, then of 1, 2 and 3 workers on one PostgreSQL database; keys `sqlite_worker_1_qps`, `pg_workers_<n>_qps`. */
export async function measureWorkerScaling(o: WorkerScalingOptions): Promise<Record<string, number>> {
  const env = {
    NETRA_DATA_DIR: o.dataDir,
    NETRA_KNOWLEDGE_DIR: o.knowledgeDir,
    EMBEDDINGS_PROVIDER: 'local',
    OPENAI_API_KEY: '',
    OPENAI_BASE_URL: '',
    DATABASE_URL: o.databaseUrl,
    // Each worker holds this many query connections and twice as many for chat locks.
    DATABASE_POOL_SIZE: '4',
    NETRA_ID_SECRET: 'bench-id-secret-shared-by-every-worker',
    // The client is one address: the per-address limit (shared across workers) must not be what is measured.
    HTTP_RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: 'warn',
  };
  const workers: RunningWorker[] = [];
  const out: Record<string, number> = {};
  try {
    // The baseline: one spawned worker on the embedded SQLite file, measured the same way.
    const { DATABASE_URL: _pg, ...sqliteEnv } = env;
    const single = await startWorker(o.repoRoot, { ...sqliteEnv, DATABASE_URL: '' });
    try {
      await o.measure([single.url], o.concurrency, 60);
      const r = await o.measure([single.url], o.concurrency, o.requests);
      out.sqlite_worker_1_qps = Number(r.qps.toFixed(1));
      o.say(`SQLite 1 worker ${r.qps.toFixed(1)} answers/s, p95 ${r.p95.toFixed(1)} ms, ${r.errors} errors (the same client, for comparison)`);
    } finally {
      single.child.kill('SIGTERM');
      await single.exited;
    }
    for (let n = 1; n <= 3; n++) {
      workers.push(await startWorker(o.repoRoot, env));
      const urls = workers.map((w) => w.url);
      await o.measure(urls, o.concurrency, 60); // warm-up, the new worker included
      const r = await o.measure(urls, o.concurrency, o.requests);
      out[`pg_workers_${n}_qps`] = Number(r.qps.toFixed(1));
      out[`pg_workers_${n}_p95_ms`] = Number(r.p95.toFixed(1));
      out[`pg_workers_${n}_errors`] = r.errors;
      o.say(`PG ${n} worker${n > 1 ? 's' : ' '}    ${r.qps.toFixed(1)} answers/s, p95 ${r.p95.toFixed(1)} ms, ${r.errors} errors (POST /v1/ask round-robin, c=${o.concurrency}, ${o.requests} requests)`);
    }
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
  }
  return out;
}
