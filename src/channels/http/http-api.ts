import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import type { NetraApp } from '../../app.js';
import { cleanQuestion, MAX_QUESTION_CHARS } from '../../answer/pipeline.js';
import type { HttpLimits } from '../../config/config.js';
import { type RequestLimiter, requestLimiter } from '../../conversation/request-limiter.js';
import { AnswerGate } from './answer-gate.js';

/** Largest accepted request body; a question is at most {@link MAX_QUESTION_CHARS} characters. */
export const MAX_BODY_BYTES = 64 * 1024;

const n = (x: number) => x.toLocaleString('id-ID');

export const AskBodySchema = z.object(
  {
    question: z
      .string({ error: 'field "question" wajib berupa teks' })
      .trim()
      .min(1, 'pertanyaan tidak boleh kosong')
      // The same limit as the pipeline's: a longer question is refused, never cut silently.
      .max(MAX_QUESTION_CHARS, `pertanyaan terlalu panjang (maksimal ${n(MAX_QUESTION_CHARS)} karakter)`)
      // Only invisible, control or undecodable characters: nothing to answer, nothing worth logging.
      .refine((q) => cleanQuestion(q).length > 0, 'pertanyaan tidak boleh kosong'),
    conversationId: z
      .string({ error: 'field "conversationId" wajib berupa teks' })
      .max(100, 'conversationId maksimal 100 karakter')
      .optional(),
  },
  { error: 'body harus berupa objek JSON, mis. {"question": "Bolehkah PNS ikut kampanye?"}' },
);

/** Time limits that end slow or stalled clients (slowloris) instead of letting them hold sockets. */
export interface HttpTimeouts {
  /** Complete request headers must arrive within this (ms). */
  headersMs: number;
  /** The whole request, body included (ms). */
  requestMs: number;
  /** An idle keep-alive connection is closed after this (ms). */
  keepAliveMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };

export interface HttpApiOptions {
  app: NetraApp;
  port: number;
  host: string;
  /** When set, every route except /healthz requires `Authorization: Bearer <token>`. */
  token?: string;
  /** Per-client limits (`npm start` passes the configured ones); a limit left out does not apply. */
  limits?: Partial<HttpLimits>;
  timeouts?: Partial<HttpTimeouts>;
  /**
   * Answers computed at once (default 2 offline, 16 with an LLM); more wait in line (up to
   * `maxQueuedAnswers`, default 256), /healthz never does.
   */
  maxConcurrentAnswers?: number;
  maxQueuedAnswers?: number;
}

export interface RunningHttpApi {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * The small HTTP API for integrations and health checks: `POST /v1/ask` (the answer contract,
 * through the same ask path as the chat channels: memory, question log, metrics), `GET /healthz`
 * and `GET /metrics` (Prometheus). Bodies are size-limited and zod-validated; every error is a
 * JSON `{error}` in Indonesian. Abuse limits: requests per client address and per token,
 * connections in total and per address, header and request timeouts, and a bounded line for
 * answers that /healthz bypasses.
 */
export async function startHttpApi(options: HttpApiOptions): Promise<RunningHttpApi> {
  const { app } = options;
  const limits = options.limits ?? {};
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.timeouts };
  // With several workers (PostgreSQL) the limits count across all of them, like the chat rate limit.
  const perIp = limits.perIpPerMinute ? requestLimiter(limits.perIpPerMinute, { shared: app.shared }) : undefined;
  const perToken = limits.perTokenPerMinute && options.token ? requestLimiter(limits.perTokenPerMinute, { shared: app.shared }) : undefined;
  // Offline answers are CPU work on this one thread: computing more than two at once only makes
  // every request (and /healthz) wait longer. With an LLM most of the time is spent waiting for
  // the model, so more can be in flight.
  const gate = new AnswerGate(options.maxConcurrentAnswers ?? (app.config.llm ? 16 : 2), options.maxQueuedAnswers ?? 256);

  const server = http.createServer(
    {
      requestTimeout: timeouts.requestMs,
      headersTimeout: timeouts.headersMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // How often Node checks the two timeouts above; the default (30 s) would let a slow client linger.
      connectionsCheckingInterval: Math.max(250, Math.min(1_000, Math.floor(timeouts.headersMs / 2))),
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        if (status === 500) app.logger.error({ err: (err as Error).message }, 'HTTP API error');
        send(res, status, { error: status === 500 ? 'Terjadi kesalahan di server.' : (err as Error).message }, err instanceof HttpError ? err.headers : {});
      });
    },
  );
  if (limits.maxConnections) server.maxConnections = limits.maxConnections;
  // headersTimeout only runs once a request has begun: a connection that sends nothing at all
  // (20,000 of them took the API down) is closed after the same time. Between requests on a
  // kept-alive connection keepAliveTimeout closes it.
  // A sender that stops mid-headers is answered 408 and closed by the same idle timer, not left
  // to Node's headersTimeout alone (its periodic check was seen to miss on a loaded machine).
  server.on('connection', (socket: Socket) => {
    socket.setTimeout(timeouts.headersMs, () => {
      if (!socket.writable) return socket.destroy();
      socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () => socket.destroy());
    });
  });
  // Once a request's headers are in, requestTimeout and keepAliveTimeout take over.
  server.on('request', (req: http.IncomingMessage) => req.socket.setTimeout(0));

  if (limits.maxConnectionsPerIp && !limits.trustProxy) {
    // Behind a trusted proxy every connection comes from the proxy; there the proxy limits connections.
    const open = new Map<string, number>();
    const cap = limits.maxConnectionsPerIp;
    server.on('connection', (socket: Socket) => {
      const ip = socket.remoteAddress ?? '?';
      const count = (open.get(ip) ?? 0) + 1;
      if (count > cap) {
        socket.destroy();
        return;
      }
      open.set(ip, count);
      socket.once('close', () => {
        const left = (open.get(ip) ?? 1) - 1;
        if (left <= 0) open.delete(ip);
        else open.set(ip, left);
      });
    });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // First and cheap: probes must get an answer while the answer line is full.
    if (url.pathname === '/healthz' && req.method === 'GET') {
      send(res, 200, health(app));
      return;
    }
    if (perIp) await limit(perIp, `ip:${clientAddress(req, limits.trustProxy === true)}`);
    authorize(req, options.token);
    if (perToken) await limit(perToken, `token:${createHash('sha256').update(options.token!).digest('hex')}`);
    if (url.pathname === '/metrics' && req.method === 'GET') {
      const { contentType, body } = await app.metrics.render();
      res.writeHead(200, { 'content-type': contentType });
      res.end(body);
      return;
    }
    if (url.pathname === '/v1/ask') {
      if (req.method !== 'POST') throw new HttpError(405, 'Gunakan metode POST untuk /v1/ask.');
      const body = AskBodySchema.safeParse(await readJson(req));
      if (!body.success) throw new HttpError(400, `Permintaan tidak valid: ${body.error.issues[0]?.message}`);
      const { question, conversationId } = body.data;
      if (!gate.tryEnter()) throw new HttpError(503, 'Server sedang sibuk menjawab pertanyaan lain. Silakan coba lagi sebentar lagi.', { 'retry-after': '1' });
      try {
        await gate.turn();
        const outcome = await app.conversation.asker.ask(
          { channel: 'http', chatId: conversationId ?? 'anon', userId: 'api' },
          question,
          // Without a conversationId there is no follow-up to remember.
          { remember: conversationId !== undefined },
        );
        if (outcome.kind === 'too_long') {
          throw new HttpError(400, `Permintaan tidak valid: pertanyaan terlalu panjang (maksimal ${n(outcome.max)} karakter)`);
        }
        send(res, 200, outcome.result.answer);
      } finally {
        gate.leave();
      }
      return;
    }
    throw new HttpError(404, 'Alamat tidak ditemukan. Tersedia: POST /v1/ask, GET /healthz, GET /metrics.');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * `/healthz`: the index, each configured channel's state, whether reports can be saved, the LLM
 * (its breaker, or false offline). `degraded` while a channel is down or storage refuses writes.
 */
function health(app: NetraApp): unknown {
  const index = app.index.get();
  const storage = app.storage.health();
  return {
    status: app.channels.allRunning() && storage.ok ? 'ok' : 'degraded',
    index: { loaded: true, buildId: index.manifest.buildId, builtAt: index.manifest.builtAt, chunks: index.chunks.length },
    channels: app.channels.snapshot(),
    connected: app.notifiers.channels(),
    storage,
    llm: app.llm ? app.llm.health() : false,
  };
}

async function limit(limiter: RequestLimiter, key: string): Promise<void> {
  const verdict = await limiter.take(key);
  if (verdict.allowed) return;
  const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
  throw new HttpError(429, `Terlalu banyak permintaan. Silakan coba lagi dalam ${seconds} detik.`, { 'retry-after': String(seconds) });
}

/** The client's address; behind a trusted reverse proxy, the last address it appended to X-Forwarded-For. */
function clientAddress(req: http.IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1);
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? '?';
}

function authorize(req: http.IncomingMessage, token: string | undefined): void {
  if (!token) return;
  const given = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new HttpError(401, 'Token API tidak valid. Kirim header Authorization: Bearer <HTTP_API_TOKEN>.');
}

/**
 * `application/json`, optionally with `charset=utf-8`, and nothing else: `application/json-seq`,
 * `text/plain; x=application/json` or another charset are refused rather than guessed at.
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => p === '' || /^charset="?utf-8"?$/.test(p));
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  if (!isJsonContentType(req.headers['content-type'])) {
    req.resume();
    throw new HttpError(415, 'Kirim body JSON dengan header Content-Type: application/json (charset, bila ada, harus utf-8).');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    throw new HttpError(413, `Body terlalu besar (maksimal ${MAX_BODY_BYTES / 1024} KB).`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `Body terlalu besar (maksimal ${MAX_BODY_BYTES / 1024} KB).`);
    chunks.push(chunk as Buffer);
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Body bukan JSON yang valid. Contoh: {"question": "Bolehkah PNS ikut kampanye?"}');
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
