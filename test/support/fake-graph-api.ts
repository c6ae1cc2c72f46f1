import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signatureFor } from '../../src/channels/whatsapp-cloud/webhook-signature.js';

/**
 * A small Graph API for tests, on 127.0.0.1 with a random port: enough of Meta's WhatsApp Cloud
 * API for the real adapter to send messages, look up media ids and download files, with hooks
 * to play the users (signed webhook notifications) and to make calls fail (429, 5xx, 4xx).
 */

export const FAKE_VERSION = 'v23.0';
export const FAKE_PHONE_NUMBER_ID = '106540352242922';
export const FAKE_TOKEN = 'EAAG-test-token';
export const FAKE_APP_SECRET = 'test-app-secret-0123456789';
export const FAKE_VERIFY_TOKEN = 'verify-me-please';

/**
 * The environment of a Cloud API deployment (`WHATSAPP_MODE=cloud`) whose Graph API is the fake
 * at `baseUrl`: what `loadConfig` reads, for a test app or a compiled `npm start`.
 */
export function cloudEnv(baseUrl: string): Record<string, string> {
  return {
    WHATSAPP_ENABLED: 'true',
    WHATSAPP_MODE: 'cloud',
    WHATSAPP_CLOUD_ACCESS_TOKEN: FAKE_TOKEN,
    WHATSAPP_CLOUD_PHONE_NUMBER_ID: FAKE_PHONE_NUMBER_ID,
    WHATSAPP_CLOUD_APP_SECRET: FAKE_APP_SECRET,
    WHATSAPP_CLOUD_VERIFY_TOKEN: FAKE_VERIFY_TOKEN,
    WHATSAPP_CLOUD_API_BASE_URL: baseUrl,
  };
}

/** One POST /{phone-number-id}/messages the adapter made, with its decoded JSON body. */
export interface SentMessage {
  to: string;
  type: 'text' | 'interactive' | 'template';
  text?: { body: string; preview_url?: boolean };
  interactive?: {
    type: 'button' | 'list';
    body: { text: string };
    action: {
      buttons?: Array<{ type: 'reply'; reply: { id: string; title: string } }>;
      button?: string;
      sections?: Array<{ rows: Array<{ id: string; title: string; description?: string }> }>;
    };
  };
  template?: { name: string; language: { code: string }; components: Array<{ type: string; parameters: Array<{ type: string; text: string }> }> };
  [key: string]: unknown;
}

/** Every request, for assertions about paths, methods and tokens. */
export interface FakeRequest {
  method: string;
  path: string;
  authorization?: string;
}

export interface InjectedFailure {
  status: number;
  /** Meta's error code in the body. */
  code?: number;
  retryAfter?: string;
}

interface StoredMedia {
  bytes: Buffer;
  mimeType: string;
  /** What GET /{media-id} reports; lets a test claim a size without allocating it. */
  size: number;
}

export class FakeGraphApi {
  readonly sent: SentMessage[] = [];
  readonly requests: FakeRequest[] = [];
  private readonly media = new Map<string, StoredMedia>();
  private readonly failures: InjectedFailure[] = [];
  private server?: Server;
  private port = 0;
  private nextId = 1;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  /** What `WHATSAPP_CLOUD_API_BASE_URL` is set to. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/${FAKE_VERSION}`;
  }

  /** The next message sends fail like this, in order (media calls are not affected). */
  failNextSends(...failures: InjectedFailure[]): void {
    this.failures.push(...failures);
  }

  /** Stores a file behind a media id, as Meta does for a user's upload. */
  addMedia(id: string, bytes: Buffer, mimeType: string, claimedSize = bytes.length): void {
    this.media.set(id, { bytes, mimeType, size: claimedSize });
  }

  /** Messages sent to `waId`, in order. */
  to(waId: string): SentMessage[] {
    return this.sent.filter((m) => m.to === waId);
  }

  /** How often a media file was downloaded. */
  downloads(id: string): number {
    return this.requests.filter((r) => r.path === `/media-bytes/${id}`).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.requests.push({ method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`) {
      return json(res, 401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
    }
    const sendPath = `/${FAKE_VERSION}/${FAKE_PHONE_NUMBER_ID}/messages`;
    if (req.method === 'POST' && url.pathname === sendPath) {
      const failure = this.failures.shift();
      if (failure) {
        if (failure.retryAfter) res.setHeader('retry-after', failure.retryAfter);
        return json(res, failure.status, { error: { message: `fake failure ${failure.status}`, code: failure.code ?? failure.status } });
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SentMessage & { messaging_product?: string };
      if (body.messaging_product !== 'whatsapp') return json(res, 400, { error: { message: 'messaging_product is required', code: 100 } });
      const problem = checkLimits(body);
      if (problem) return json(res, 400, { error: { message: problem, code: 131009 } });
      this.sent.push(body);
      return json(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.fake${this.nextId++}` }] });
    }
    const mediaInfo = new RegExp(`^/${FAKE_VERSION}/([\\w.-]+)$`).exec(url.pathname);
    if (req.method === 'GET' && mediaInfo) {
      const stored = this.media.get(mediaInfo[1]!);
      if (!stored) return json(res, 404, { error: { message: 'Unsupported get request.', code: 100 } });
      return json(res, 200, {
        messaging_product: 'whatsapp',
        url: `http://127.0.0.1:${this.port}/media-bytes/${mediaInfo[1]}`,
        mime_type: stored.mimeType,
        sha256: 'x',
        file_size: String(stored.size),
        id: mediaInfo[1],
      });
    }
    const bytes = /^\/media-bytes\/([\w.-]+)$/.exec(url.pathname);
    if (req.method === 'GET' && bytes) {
      const stored = this.media.get(bytes[1]!);
      if (!stored) return json(res, 404, { error: { message: 'not found' } });
      res.writeHead(200, { 'content-type': stored.mimeType });
      res.end(stored.bytes);
      return;
    }
    json(res, 404, { error: { message: `unknown path ${url.pathname}`, code: 100 } });
  }
}

/** Meta refuses payloads beyond its limits with a 400; the fake does too, so the tests notice. */
function checkLimits(body: SentMessage): string | undefined {
  if (body.type === 'text' && (body.text?.body.length ?? 0) > 4096) return 'text too long';
  const i = body.interactive;
  if (body.type === 'interactive' && i) {
    if (i.body.text.length === 0 || i.body.text.length > 1024) return 'interactive body length';
    const buttons = i.action.buttons ?? [];
    if (i.type === 'button' && (buttons.length < 1 || buttons.length > 3 || buttons.some((b) => [...b.reply.title].length > 20))) return 'buttons';
    const rows = (i.action.sections ?? []).flatMap((s) => s.rows);
    if (
      i.type === 'list' &&
      (rows.length < 1 || rows.length > 10 || rows.some((r) => [...r.title].length > 24 || [...(r.description ?? '')].length > 72 || r.id.length > 200))
    ) {
      return 'list rows';
    }
  }
  if (body.type === 'template' && body.template?.components.some((c) => c.parameters.some((p) => /[\n\t]/.test(p.text)))) return 'template parameter';
  return undefined;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

// ---- playing the users: webhook notifications -------------------------------------------------

export type InboundInit =
  | { type: 'text'; text: string }
  | { type: 'button_reply' | 'list_reply'; id: string; title: string }
  | { type: 'image' | 'document' | 'audio'; mediaId: string; mimeType: string; caption?: string; filename?: string };

let inboundSeq = 0;

/** One user message as Meta puts it in a webhook notification. */
export function inboundMessage(from: string, init: InboundInit, sentAtMs: number, id = `wamid.in${++inboundSeq}`): Record<string, unknown> {
  const base = { from, id, timestamp: String(Math.floor(sentAtMs / 1000)) };
  switch (init.type) {
    case 'text':
      return { ...base, type: 'text', text: { body: init.text } };
    case 'button_reply':
    case 'list_reply':
      return { ...base, type: 'interactive', interactive: { type: init.type, [init.type]: { id: init.id, title: init.title } } };
    default:
      return {
        ...base,
        type: init.type,
        [init.type]: {
          id: init.mediaId,
          mime_type: init.mimeType,
          sha256: 'x',
          ...(init.caption ? { caption: init.caption } : {}),
          ...(init.filename ? { filename: init.filename } : {}),
        },
      };
  }
}

/** A whole notification around `messages` (Meta's envelope). */
export function notification(messages: Record<string, unknown>[], phoneNumberId = FAKE_PHONE_NUMBER_ID): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              contacts: messages.map((m) => ({ profile: { name: 'Pengguna' }, wa_id: m.from })),
              messages,
            },
          },
        ],
      },
    ],
  };
}

/** POSTs `body` to the webhook as Meta would: signed with `appSecret` unless `signature` says otherwise. */
export async function deliverWebhook(
  webhookUrl: string,
  body: unknown,
  options: { appSecret?: string; signature?: string | null } = {},
): Promise<{ status: number; text: string }> {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature = options.signature === undefined ? signatureFor(raw, options.appSecret ?? FAKE_APP_SECRET) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const response = await fetch(webhookUrl, { method: 'POST', headers, body: raw });
  return { status: response.status, text: await response.text() };
}
