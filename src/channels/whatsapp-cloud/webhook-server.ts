import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../logging/logger.js';
import { WebhookNotification } from './webhook-payload.js';
import { isValidSignature } from './webhook-signature.js';

/**
 * The Cloud API webhook: its own small node:http server (like Telegram's webhook), so the channel
 * starts, fails and restarts on its own and the HTTP API's bearer token and limits stay its own.
 *
 * - `GET <path>?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` echoes the challenge when
 *   the token is right (Meta's verification when the webhook URL is saved), 403 otherwise.
 * - `POST <path>` needs `X-Hub-Signature-256` over the raw body with the app secret: missing →
 *   401, wrong → 403, and nothing is read further. A valid notification is handed to `onNotification`
 *   and answered 200 at once; the answers are computed afterwards, so Meta never times out and
 *   redelivers because an answer took long.
 */

/** Meta's notifications are small; anything larger is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookServerOptions {
  host: string;
  port: number;
  path: string;
  appSecret: string;
  verifyToken: string;
  /** Called with each valid notification before the 200 is written; must not throw or wait. */
  onNotification(notification: WebhookNotification): void;
  logger: Logger;
}

export interface WebhookServer {
  /** `http://host:port/path` as bound (the real port when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const { logger } = options;
  const server = createServer((req, res) => {
    handle(req, res, options).catch((err: unknown) => {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'WhatsApp Cloud: webhook gagal diproses');
      if (!res.headersSent) reply(res, 500, 'error');
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await listen(server, options.port, options.host);
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}${options.path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: WebhookServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== options.path) return reply(res, 404, 'not found');
  if (req.method === 'GET') return verify(url, res, options);
  if (req.method !== 'POST') {
    res.setHeader('allow', 'GET, POST');
    return reply(res, 405, 'method not allowed');
  }
  const body = await readBody(req);
  if (body === 'too-large') return reply(res, 413, 'too large');
  const signature = req.headers['x-hub-signature-256'];
  if (typeof signature !== 'string' || signature === '') {
    options.logger.warn('WhatsApp Cloud: webhook tanpa X-Hub-Signature-256 ditolak');
    return reply(res, 401, 'signature required');
  }
  if (!isValidSignature(body, signature, options.appSecret)) {
    options.logger.warn('WhatsApp Cloud: tanda tangan webhook tidak cocok (periksa WHATSAPP_CLOUD_APP_SECRET); ditolak');
    return reply(res, 403, 'invalid signature');
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return reply(res, 400, 'invalid json');
  }
  const parsed = WebhookNotification.safeParse(json);
  if (parsed.success) options.onNotification(parsed.data);
  // A signed notification Netra does not read (another object or field) is acknowledged, or Meta
  // would deliver it again and again; it is noted for the operator.
  else options.logger.debug({ issue: parsed.error.issues[0]?.path.join('.') }, 'WhatsApp Cloud: notifikasi webhook diabaikan');
  reply(res, 200, 'ok');
}

function verify(url: URL, res: ServerResponse, options: WebhookServerOptions): void {
  const mode = url.searchParams.get('hub.mode');
  const token = url.searchParams.get('hub.verify_token') ?? '';
  const challenge = url.searchParams.get('hub.challenge') ?? '';
  if (mode === 'subscribe' && sameSecret(token, options.verifyToken) && challenge !== '') {
    options.logger.info('WhatsApp Cloud: webhook diverifikasi oleh Meta');
    reply(res, 200, challenge);
    return;
  }
  options.logger.warn('WhatsApp Cloud: verifikasi webhook ditolak (hub.verify_token tidak cocok dengan WHATSAPP_CLOUD_VERIFY_TOKEN)');
  reply(res, 403, 'forbidden');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
