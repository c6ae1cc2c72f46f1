import { s3StorageError } from './s3-errors.js';
import { type ListedObject, parseErrorCode, parseListObjectsV2 } from './s3-xml.js';
import { EMPTY_SHA256, type S3Credentials, sha256Hex, signS3Request, uriEncode } from './sigv4.js';

/** Where and how to reach one bucket of an S3-compatible store (AWS S3, MinIO, Cloudflare R2 …). */
export interface S3ClientOptions {
  /** Scheme, host and port of the service, e.g. https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:9000. */
  endpoint: URL;
  region: string;
  bucket: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key` (MinIO, IP addresses). */
  forcePathStyle: boolean;
  credentials: S3Credentials;
  /** Per attempt, in ms. */
  timeoutMs: number;
  /** Attempts per call, the first included (default 4). */
  maxAttempts?: number;
  /** Pause before the first retry, doubled each time (default 200 ms: 0.2 s, 0.4 s, 0.8 s). */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

/** Statuses worth another attempt: the service is busy or broken for a moment, not the request. */
const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/**
 * The four S3 calls Netra needs — PutObject, GetObject, DeleteObject, ListObjectsV2 — on Node's
 * fetch, SigV4-signed (sigv4.ts), each attempt with its own timeout, 5xx/429/network failures
 * retried with backoff, every failure thrown as StorageUnavailableError (s3-errors.ts). Redirects
 * are not followed: a redirect means a wrong region or address, and following it would send a
 * signed request elsewhere.
 */
export class S3Client {
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;

  constructor(private readonly options: S3ClientOptions) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.backoffMs = options.backoffMs ?? 200;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? (() => new Date());
  }

  /** The URL of `key` (or of the bucket, for `''`), path-style or virtual-hosted. */
  url(key: string, query: Record<string, string> = {}): URL {
    const { endpoint, bucket, forcePathStyle } = this.options;
    const encodedKey = key
      .split('/')
      .map((s) => uriEncode(s))
      .join('/');
    const base = endpoint.pathname.replace(/\/+$/, '');
    const url = forcePathStyle
      ? new URL(`${endpoint.protocol}//${endpoint.host}${base}/${bucket}/${encodedKey}`)
      : new URL(`${endpoint.protocol}//${bucket}.${endpoint.host}${base}/${encodedKey}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  }

  async putObject(key: string, body: Buffer, headers: { contentType: string; serverSideEncryption?: 'AES256' }): Promise<void> {
    await this.send('PUT', this.url(key), body, {
      'content-type': headers.contentType,
      ...(headers.serverSideEncryption ? { 'x-amz-server-side-encryption': headers.serverSideEncryption } : {}),
    });
  }

  /** The object's bytes, or undefined when there is no such key. Refuses an object over `maxBytes`. */
  async getObject(key: string, maxBytes: number): Promise<Buffer | undefined> {
    const response = await this.send('GET', this.url(key), undefined, {}, { notFound: 'NoSuchKey' });
    if (!response) return undefined;
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw s3StorageError(response.status, 'ObjectTooLarge');
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > maxBytes) throw s3StorageError(response.status, 'ObjectTooLarge');
    return bytes;
  }

  /** Deletes `key`; S3 answers 204 whether or not it existed. */
  async deleteObject(key: string): Promise<void> {
    await this.send('DELETE', this.url(key), undefined, {}, { notFound: 'NoSuchKey' });
  }

  /** Every object under `prefix`, page by page (ListObjectsV2, 1000 keys a page). */
  async listObjects(prefix: string, options: { maxKeys?: number; maxPages?: number } = {}): Promise<ListedObject[]> {
    const all: ListedObject[] = [];
    let token: string | undefined;
    const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
    for (let page = 0; page < maxPages; page++) {
      const query: Record<string, string> = { 'list-type': '2', 'encoding-type': 'url', prefix, 'max-keys': String(options.maxKeys ?? 1000) };
      if (token) query['continuation-token'] = token;
      const response = await this.send('GET', this.url('', query), undefined, {});
      const parsed = parseListObjectsV2(await response!.text());
      all.push(...parsed.objects);
      if (!parsed.isTruncated) break;
      token = parsed.nextContinuationToken;
    }
    return all;
  }

  /**
   * One signed call with retries. Resolves with the 2xx response, or undefined for a 404 whose
   * code is `notFound`; anything else throws StorageUnavailableError.
   */
  private async send(
    method: string,
    url: URL,
    body: Buffer | undefined,
    headers: Record<string, string>,
    options: { notFound?: string } = {},
  ): Promise<Response | undefined> {
    const payloadSha256 = body ? sha256Hex(body) : EMPTY_SHA256;
    let lastStatus: number | undefined;
    let lastCode: string | undefined;
    let lastCause: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await this.sleep(this.backoffMs * 2 ** (attempt - 2));
      // Signed afresh each time: x-amz-date must be close to the moment the request is sent.
      const signed = signS3Request({ method, url, headers, payloadSha256 }, this.options.credentials, this.options.region, this.now());
      const { host: _host, ...sent } = signed;
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: sent,
          ...(body ? { body: new Uint8Array(body) } : {}),
          redirect: 'manual',
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (err) {
        // A refused connection, a reset, a DNS failure or the timeout: worth another attempt.
        lastStatus = undefined;
        lastCode = networkCode(err);
        lastCause = err;
        continue;
      }
      if (response.ok) return response;
      const text = await readSmall(response);
      const code = parseErrorCode(text);
      if (response.status === 404 && options.notFound && (code === options.notFound || code === undefined)) {
        return undefined;
      }
      lastStatus = response.status;
      lastCode = code;
      lastCause = undefined;
      if (!RETRYABLE.has(response.status)) break;
    }
    throw s3StorageError(lastStatus, lastCode, lastCause);
  }
}

/** The first 64 KB of an error answer (an S3 error document is a few hundred bytes). */
async function readSmall(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text.slice(0, 64 * 1024);
  } catch {
    return '';
  }
}

function networkCode(err: unknown): string | undefined {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'Timeout';
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' && /^[A-Z_]{2,32}$/.test(cause.code) ? cause.code : undefined;
}
