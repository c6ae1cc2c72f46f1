import { z } from 'zod';
import { AttachmentTooLargeError } from '../../conversation/messages.js';
import { GraphApiError } from './graph-api-error.js';
import type { OutboundMessage } from './outbound-message.js';

/**
 * The few Graph API calls Netra makes for the WhatsApp Cloud API — send a message, look up a
 * media id, download the file — with retries: a 429 or 5xx (or a refused connection) is tried
 * again after `Retry-After` when Meta sends one, otherwise after a growing pause; any other 4xx
 * is final, since sending the same request again cannot succeed. Responses are checked with zod,
 * so a changed API fails here with a clear message instead of deep inside the adapter.
 */

export interface GraphApiClientOptions {
  /** e.g. `https://graph.facebook.com/v23.0`; tests point it at a fake on 127.0.0.1. */
  baseUrl: string;
  accessToken: string;
  phoneNumberId: string;
  /** Attempts per request, the first included (default 4). */
  maxAttempts?: number;
  /** First pause before a retry when Meta gives no `Retry-After`, in ms; doubles per attempt (default 500). */
  baseDelayMs?: number;
  /** Longest pause between attempts, also for a `Retry-After`, in ms (default 30 s). */
  maxDelayMs?: number;
  /** Per attempt, in ms (default 15 s). */
  timeoutMs?: number;
  /** Waits between attempts; injectable so tests neither sleep nor time anything. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

const SendResponse = z.object({
  messages: z.array(z.object({ id: z.string() })).min(1),
});

const MediaInfo = z.object({
  url: z.url(),
  mime_type: z.string().optional(),
  file_size: z.coerce.number().int().nonnegative().optional(),
  id: z.string().optional(),
});
export type MediaInfo = z.infer<typeof MediaInfo>;

const ErrorBody = z.object({
  error: z.object({ message: z.string().optional(), code: z.number().optional(), error_subcode: z.number().optional() }).loose(),
});

export class GraphApiClient {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: GraphApiClientOptions) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Sends one message; resolves to Meta's message id (`wamid…`). */
  async send(message: OutboundMessage): Promise<string> {
    const url = `${this.options.baseUrl}/${this.options.phoneNumberId}/messages`;
    const body = JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', ...message });
    const response = await this.request('send', url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const parsed = SendResponse.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new GraphApiError('send', response.status, undefined, 'jawaban Graph API tidak berisi id pesan', false);
    return parsed.data.messages[0]!.id;
  }

  /** `GET /{media-id}`: where the file is (a short-lived URL) and what Meta knows of it. */
  async mediaInfo(mediaId: string): Promise<MediaInfo> {
    if (!/^[\w.-]+$/.test(mediaId)) throw new GraphApiError('media', 0, undefined, 'id media tidak sah', false);
    const response = await this.request('media', `${this.options.baseUrl}/${mediaId}`, { method: 'GET' });
    const parsed = MediaInfo.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new GraphApiError('media', response.status, undefined, 'jawaban Graph API tidak berisi URL media', false);
    return parsed.data;
  }

  /**
   * Downloads a media file with the token, refusing it with {@link AttachmentTooLargeError} as
   * soon as more than `maxBytes` arrive (or are announced), so a large video is never held whole.
   */
  async download(url: string, maxBytes: number): Promise<Buffer> {
    const response = await this.request('download', url, { method: 'GET' });
    const announced = Number(response.headers.get('content-length'));
    if (Number.isFinite(announced) && announced > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new AttachmentTooLargeError(maxBytes, announced);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    if (!response.body) return Buffer.alloc(0);
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new AttachmentTooLargeError(maxBytes, undefined);
      }
      chunks.push(Buffer.from(value));
    }
    return Buffer.concat(chunks);
  }

  /** One call with the retry policy described above; resolves to a 2xx response. */
  private async request(operation: string, url: string, init: RequestInit): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      let failure: GraphApiError;
      try {
        const response = await this.fetch(url, {
          ...init,
          headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.options.accessToken}` },
          signal: AbortSignal.timeout(this.timeoutMs),
          redirect: 'follow',
        });
        if (response.ok) return response;
        failure = await toError(operation, response);
      } catch (err) {
        if (err instanceof GraphApiError) throw err;
        failure = new GraphApiError(operation, 0, undefined, err instanceof Error ? err.message : String(err), true);
      }
      if (!failure.retryable || attempt >= this.maxAttempts) throw failure;
      const delay =
        failure.retryAfterSeconds !== undefined
          ? Math.min(this.maxDelayMs, failure.retryAfterSeconds * 1000)
          : Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
      await this.sleep(delay);
    }
  }
}

async function toError(operation: string, response: Response): Promise<GraphApiError> {
  const text = await response.text().catch(() => '');
  let code: number | undefined;
  let detail = response.statusText || 'ditolak';
  try {
    const body = ErrorBody.safeParse(JSON.parse(text));
    if (body.success) {
      code = body.data.error.code;
      if (body.data.error.message) detail = body.data.error.message;
    }
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  const retryable = response.status === 429 || response.status >= 500;
  return new GraphApiError(operation, response.status, code, detail.slice(0, 300), retryable, retryAfterSeconds(response.headers.get('retry-after')));
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}
