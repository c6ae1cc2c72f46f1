import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import aws4 from 'aws4';

/** One object in the fake bucket. */
export interface FakeObject {
  body: Buffer;
  contentType?: string;
  serverSideEncryption?: string;
  lastModified: Date;
}

/** A request as the fake saw it (after the signature check). */
export interface FakeS3Request {
  method: string;
  key: string;
  query: Record<string, string>;
  status: number;
  headers: http.IncomingHttpHeaders;
}

export interface FakeS3Options {
  bucket?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** What a client sent, enough to check its SigV4 signature. */
export interface ReceivedRequest {
  method: string;
  /** The Host header as sent. */
  host: string;
  /** Path and query string as sent. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * Checks a request's SigV4 signature with the `aws4` package, an implementation independent of
 * Netra's own (src/storage/s3/sigv4.ts): the request is signed again from what was received —
 * method, host, path, query and exactly the headers the client says it signed — and the two
 * Authorization headers must be equal. The body's SHA-256 must match `x-amz-content-sha256`.
 * Returns the S3 error code for a bad request, undefined for a good one.
 */
export function verifySigV4(req: ReceivedRequest, credentials: { accessKeyId: string; secretAccessKey: string }, region: string, now = new Date()): string | undefined {
  const auth = header(req.headers, 'authorization');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth ?? '');
  if (!m) return 'AccessDenied';
  const [, keyId, day, scopeRegion, signedHeaders] = m;
  if (keyId !== credentials.accessKeyId) return 'InvalidAccessKeyId';
  if (scopeRegion !== region) return 'AuthorizationHeaderMalformed';
  const amzDate = header(req.headers, 'x-amz-date') ?? '';
  if (!amzDate.startsWith(day!)) return 'SignatureDoesNotMatch';
  const sentAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!Number.isFinite(sentAt) || Math.abs(now.getTime() - sentAt) > 15 * 60_000) return 'RequestTimeTooSkewed';
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  if (header(req.headers, 'x-amz-content-sha256') !== bodyHash) return 'XAmzContentSHA256Mismatch';
  const names = signedHeaders!.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date') || !names.includes('x-amz-content-sha256')) return 'AccessDenied';
  const headers: Record<string, string> = {};
  for (const name of names) {
    if (name === 'host') continue;
    const value = header(req.headers, name);
    if (value === undefined) return 'AccessDenied';
    headers[name] = value;
  }
  const expected = aws4.sign({ method: req.method, host: req.host, path: req.path, headers, service: 's3', region }, credentials);
  const expectedAuth = (expected.headers as Record<string, string>).Authorization;
  return expectedAuth === auth ? undefined : 'SignatureDoesNotMatch';
}

function header(headers: ReceivedRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * A small S3-compatible server on 127.0.0.1 for tests: path-style PutObject, GetObject,
 * DeleteObject and ListObjectsV2 (with prefix, max-keys and continuation tokens) on one bucket,
 * every request's signature checked by {@link verifySigV4}. Tests can make the next requests fail
 * (`failNext`), change the secret the store accepts (a key rotated at the provider), age objects
 * and read what was stored and asked.
 */
export class FakeS3 {
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  secretAccessKey: string;
  readonly objects = new Map<string, FakeObject>();
  readonly requests: FakeS3Request[] = [];
  private failures: { status: number; code: string; count: number; methods?: string[] }[] = [];
  private server?: http.Server;
  url = '';

  constructor(options: FakeS3Options = {}) {
    this.bucket = options.bucket ?? 'netra-bukti';
    this.region = options.region ?? 'ap-southeast-3';
    this.accessKeyId = options.accessKeyId ?? 'NETRATESTACCESSKEY01';
    this.secretAccessKey = options.secretAccessKey ?? 'fake-s3-secret-key-0123456789abcdefghij';
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The environment a Netra needs to use this bucket. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      EVIDENCE_STORE: 's3',
      EVIDENCE_S3_ENDPOINT: this.url,
      EVIDENCE_S3_REGION: this.region,
      EVIDENCE_S3_BUCKET: this.bucket,
      EVIDENCE_S3_ACCESS_KEY_ID: this.accessKeyId,
      EVIDENCE_S3_SECRET_ACCESS_KEY: this.secretAccessKey,
      ...extra,
    };
  }

  /** The next `count` requests (of `methods`, when given) get `status` with `code`. */
  failNext(count: number, status = 503, code = 'SlowDown', methods?: string[]): void {
    this.failures.push({ status, code, count, ...(methods ? { methods } : {}) });
  }

  /** Drops the injected failures not yet used; returns how many requests they would have failed. */
  clearFailures(): number {
    const left = this.failures.reduce((n, f) => n + f.count, 0);
    this.failures = [];
    return left;
  }

  /** Keys under `prefix`, sorted. */
  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  private handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): undefined {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const query = Object.fromEntries(url.searchParams);
    const reply = (status: number, xml?: string, headers: Record<string, string> = {}): undefined => {
      this.requests.push({ method, key, query, status, headers: req.headers });
      res.writeHead(status, { ...(xml ? { 'content-type': 'application/xml' } : {}), ...headers });
      res.end(xml);
    };
    const error = (status: number, code: string): undefined => reply(status, `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code}</Message></Error>`);

    const failure = this.failures.find((f) => f.count > 0 && (!f.methods || f.methods.includes(method)));
    if (failure) {
      failure.count -= 1;
      return error(failure.status, failure.code);
    }
    const bad = verifySigV4(
      { method, host: req.headers.host ?? '', path: req.url ?? '/', headers: req.headers, body },
      { accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey },
      this.region,
    );
    if (bad) return error(bad === 'InvalidAccessKeyId' || bad === 'SignatureDoesNotMatch' || bad === 'AccessDenied' || bad === 'RequestTimeTooSkewed' ? 403 : 400, bad);
    if (bucket !== this.bucket) return error(404, 'NoSuchBucket');

    if (key === '' && method === 'GET') return reply(200, this.list(query));
    if (key === '') return error(405, 'MethodNotAllowed');
    if (method === 'PUT') {
      const sse = header(req.headers, 'x-amz-server-side-encryption');
      this.objects.set(key, {
        body,
        lastModified: new Date(),
        ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
        ...(sse ? { serverSideEncryption: sse } : {}),
      });
      return reply(200, undefined, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
    }
    if (method === 'GET') {
      const o = this.objects.get(key);
      if (!o) return error(404, 'NoSuchKey');
      this.requests.push({ method, key, query, status: 200, headers: req.headers });
      res.writeHead(200, { 'content-type': o.contentType ?? 'application/octet-stream', 'content-length': String(o.body.length) });
      res.end(o.body);
      return;
    }
    if (method === 'DELETE') {
      this.objects.delete(key);
      return reply(204);
    }
    return error(405, 'MethodNotAllowed');
  }

  private list(query: Record<string, string>): string {
    const prefix = query.prefix ?? '';
    const max = Math.min(1000, Number(query['max-keys'] ?? 1000));
    const all = this.keys(prefix);
    const start = query['continuation-token'] ? all.findIndex((k) => k > Buffer.from(query['continuation-token']!, 'base64url').toString()) : 0;
    const page = start < 0 ? [] : all.slice(start, start + max);
    const truncated = start >= 0 && start + max < all.length;
    const enc = (k: string) => (query['encoding-type'] === 'url' ? encodeURIComponent(k).replace(/%2F/g, '/') : k.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>${this.bucket}</Name><Prefix>${enc(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys>`,
      query['encoding-type'] ? `<EncodingType>${query['encoding-type']}</EncodingType>` : '',
      `<IsTruncated>${truncated}</IsTruncated>`,
      ...page.map((k) => {
        const o = this.objects.get(k)!;
        return `<Contents><Key>${enc(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>&quot;x&quot;</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      }),
      truncated ? `<NextContinuationToken>${Buffer.from(page.at(-1)!).toString('base64url')}</NextContinuationToken>` : '',
      '</ListBucketResult>',
    ].join('');
  }
}
