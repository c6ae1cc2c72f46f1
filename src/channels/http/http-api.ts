import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { NetraApp } from '../../app.js';
import { cleanQuestion } from '../../answer/pipeline.js';
import { ConversationMemory } from '../../conversation/conversation-memory.js';
import { hashUserId } from '../../logging/logger.js';

/** Largest accepted request body; a question is at most a few thousand characters. */
export const MAX_BODY_BYTES = 64 * 1024;

export const AskBodySchema = z.object(
  {
    question: z
      .string({ error: 'field "question" wajib berupa teks' })
      .trim()
      .min(1, 'pertanyaan tidak boleh kosong')
      .max(4000, 'pertanyaan terlalu panjang (maksimal 4000 karakter)')
      // Only invisible, control or undecodable characters: nothing to answer, nothing worth logging.
      .refine((q) => cleanQuestion(q).length > 0, 'pertanyaan tidak boleh kosong'),
    conversationId: z
      .string({ error: 'field "conversationId" wajib berupa teks' })
      .max(100, 'conversationId maksimal 100 karakter')
      .optional(),
  },
  { error: 'body harus berupa objek JSON, mis. {"question": "Bolehkah PNS ikut kampanye?"}' },
);

export interface HttpApiOptions {
  app: NetraApp;
  port: number;
  host: string;
  /** When set, every route except /healthz requires `Authorization: Bearer <token>`. */
  token?: string;
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
  ) {
    super(message);
  }
}

/**
 * The small HTTP API for integrations and health checks: `POST /v1/ask` (the answer contract),
 * `GET /healthz` and `GET /metrics` (Prometheus). Bodies are size-limited and zod-validated;
 * every error is a JSON `{error}` in Indonesian.
 */
export async function startHttpApi(options: HttpApiOptions): Promise<RunningHttpApi> {
  const { app } = options;
  const memory = new ConversationMemory();
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) app.logger.error({ err: (err as Error).message }, 'HTTP API error');
      send(res, status, { error: status === 500 ? 'Terjadi kesalahan di server.' : (err as Error).message });
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' && req.method === 'GET') {
      const index = app.index.get();
      send(res, 200, {
        status: 'ok',
        index: { loaded: true, buildId: index.manifest.buildId, builtAt: index.manifest.builtAt, chunks: index.chunks.length },
        channels: app.notifiers.channels(),
        llm: Boolean(app.config.llm),
      });
      return;
    }
    authorize(req, options.token);
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
      const key = body.data.conversationId ? `http:${body.data.conversationId}` : undefined;
      const result = await app.pipeline.ask(body.data.question, key ? memory.recent(key) : []);
      if (key) memory.remember(key, result.turn);
      try {
        app.questionLog.logQuestion({
          channel: 'http',
          chatHash: hashUserId('http', body.data.conversationId ?? 'anon'),
          question: result.answer.question,
          verdict: result.answer.verdict,
          citedSourceIds: result.answer.citations.map((c) => c.sourceId),
          latencyMs: Math.round(result.latencyMs),
        });
      } catch (err) {
        // The log is for statistics; a busy or locked database must not cost the caller the answer.
        app.logger.error({ err: (err as Error).message }, 'question could not be logged');
      }
      app.metrics.recordAnswer('http', result.answer.verdict, result.latencyMs, result.composer, result.fellBack);
      send(res, 200, result.answer);
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

function authorize(req: http.IncomingMessage, token: string | undefined): void {
  if (!token) return;
  const given = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new HttpError(401, 'Token API tidak valid. Kirim header Authorization: Bearer <HTTP_API_TOKEN>.');
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/application\/json/i.test(type)) throw new HttpError(415, 'Kirim body JSON dengan header Content-Type: application/json.');
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

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
