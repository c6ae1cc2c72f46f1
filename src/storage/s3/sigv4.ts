import { createHash, createHmac } from 'node:crypto';

/** Credentials of an S3-compatible store. The secret is only ever an HMAC key, never sent or logged. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A request about to be sent, as SigV4 sees it. */
export interface SignableRequest {
  method: string;
  url: URL;
  /** Header names in any case; `host`, `x-amz-date` and `x-amz-content-sha256` are added. */
  headers: Record<string, string>;
  /** SHA-256 of the body in hex (of an empty body for GET, HEAD, DELETE). */
  payloadSha256: string;
}

export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/**
 * AWS Signature Version 4 for S3 (header form, signed payload), written out rather than taken
 * from a package: it is 60 lines of node:crypto, and the tests check it against an independent
 * implementation (the `aws4` package in test/support/fake-s3.ts). Returns the headers to send,
 * `authorization` included. S3 differs from other services in one point: the path is encoded
 * once, not twice.
 */
export function signS3Request(request: SignableRequest, credentials: S3Credentials, region: string, now: Date): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''); // 20240220T030000Z
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value.trim().replace(/\s+/g, ' ');
  headers.host = request.url.host;
  headers['x-amz-date'] = amzDate;
  headers['x-amz-content-sha256'] = request.payloadSha256;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonical = [
    request.method,
    canonicalPath(request.url.pathname),
    canonicalQuery(request.url.searchParams),
    ...names.map((n) => `${n}:${headers[n]}`),
    '',
    signedHeaders,
    request.payloadSha256,
  ].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, 's3', 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** RFC 3986 encoding as SigV4 wants it: everything but A–Z a–z 0–9 - _ . ~ percent-encoded, upper-case hex. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The path as sent, each segment decoded and encoded once (S3 does not double-encode). */
function canonicalPath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => uriEncode(decodeURIComponent(segment)))
    .join('/');
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params.entries()]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
