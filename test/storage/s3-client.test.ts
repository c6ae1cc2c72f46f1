import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { S3Client, type S3ClientOptions } from '../../src/storage/s3/s3-client.js';
import { parseErrorCode, parseListObjectsV2 } from '../../src/storage/s3/s3-xml.js';
import { EMPTY_SHA256, signS3Request } from '../../src/storage/s3/sigv4.js';
import { StorageUnavailableError } from '../../src/storage/storage-errors.js';
import { FakeS3, verifySigV4 } from '../support/fake-s3.js';

let fake: FakeS3;
beforeAll(async () => {
  fake = await new FakeS3().start();
});
afterAll(() => fake.close());

const noPause = async () => undefined;
function client(overrides: Partial<S3ClientOptions> = {}): S3Client {
  return new S3Client({
    endpoint: new URL(fake.url),
    region: fake.region,
    bucket: fake.bucket,
    forcePathStyle: true,
    credentials: { accessKeyId: fake.accessKeyId, secretAccessKey: fake.secretAccessKey },
    timeoutMs: 5000,
    sleep: noPause,
    ...overrides,
  });
}

async function failure(p: Promise<unknown>): Promise<StorageUnavailableError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StorageUnavailableError);
  return err as StorageUnavailableError;
}

describe('the S3 client against a fake S3 that checks SigV4 with the aws4 package', () => {
  it('stores, reads back, lists and deletes an object; the server accepts every signature', async () => {
    const c = client();
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    await c.putObject('bukti/a.jpg', bytes, { contentType: 'image/jpeg' });
    expect(fake.objects.get('bukti/a.jpg')?.body.equals(bytes)).toBe(true);
    expect(fake.objects.get('bukti/a.jpg')?.contentType).toBe('image/jpeg');
    expect(fake.objects.get('bukti/a.jpg')?.serverSideEncryption).toBeUndefined();
    expect((await c.getObject('bukti/a.jpg', 1024))?.equals(bytes)).toBe(true);
    expect(await c.getObject('bukti/none.jpg', 1024)).toBeUndefined();
    expect((await c.listObjects('bukti/')).map((o) => [o.key, o.size])).toEqual([['bukti/a.jpg', bytes.length]]);
    await c.deleteObject('bukti/a.jpg');
    expect(fake.keys('bukti/')).toEqual([]);
    expect(fake.requests.every((r) => r.status < 400 || r.status === 404)).toBe(true);
  });

  it('asks for server-side encryption only when told to', async () => {
    await client().putObject('sse/b.pdf', Buffer.from('%PDF-1.4'), { contentType: 'application/pdf', serverSideEncryption: 'AES256' });
    expect(fake.objects.get('sse/b.pdf')?.serverSideEncryption).toBe('AES256');
  });

  it('reads a listing page by page', async () => {
    for (let i = 0; i < 5; i++) await client().putObject(`pages/${i}.txt`, Buffer.from(`isi ${i}`), { contentType: 'text/plain' });
    const before = fake.requests.length;
    const listed = await client().listObjects('pages/', { maxKeys: 2 });
    expect(listed.map((o) => o.key)).toEqual(['pages/0.txt', 'pages/1.txt', 'pages/2.txt', 'pages/3.txt', 'pages/4.txt']);
    expect(fake.requests.slice(before).filter((r) => r.query['list-type'] === '2')).toHaveLength(3);
  });

  it('a wrong secret is refused as a storage error that names the variables, never the secret', async () => {
    const wrong = 'this-is-not-the-secret-0123456789';
    const err = await failure(client({ credentials: { accessKeyId: fake.accessKeyId, secretAccessKey: wrong } }).putObject('x/c.jpg', Buffer.from('x'), { contentType: 'image/jpeg' }));
    expect(err.code).toBe('S3:SignatureDoesNotMatch');
    expect(err.hint).toMatch(/EVIDENCE_S3_ACCESS_KEY_ID dan EVIDENCE_S3_SECRET_ACCESS_KEY/);
    expect(`${err.message} ${err.hint} ${err.userMessage}`).not.toContain(wrong);
    expect(err.userMessage).toMatch(/Data Anda belum tersimpan/);
    const unknownKey = await failure(client({ credentials: { accessKeyId: 'SOMEONEELSE', secretAccessKey: fake.secretAccessKey } }).listObjects(''));
    expect(unknownKey.code).toBe('S3:InvalidAccessKeyId');
    expect(fake.keys('x/')).toEqual([]);
  });

  it('a 503 is retried with backoff and the write lands once; one that does not end fails after four attempts', async () => {
    const pauses: number[] = [];
    const c = client({ sleep: async (ms) => void pauses.push(ms) });
    fake.failNext(2, 503, 'SlowDown', ['PUT']);
    const before = fake.requests.length;
    await c.putObject('retry/d.jpg', Buffer.from([0xff, 0xd8, 0xff]), { contentType: 'image/jpeg' });
    expect(fake.requests.slice(before).map((r) => r.status)).toEqual([503, 503, 200]);
    expect(pauses).toEqual([200, 400]);
    expect(fake.keys('retry/')).toEqual(['retry/d.jpg']);

    fake.failNext(10, 500, 'InternalError');
    const err = await failure(c.getObject('retry/d.jpg', 1024));
    expect(err.code).toBe('S3:InternalError');
    expect(err.problem).toBe('unavailable');
    // Four attempts, then the error: the rest of the injected failures are not this test's to keep.
    expect(fake.clearFailures()).toBe(6);
  });

  it('a 403 is not retried', async () => {
    const before = fake.requests.length;
    await failure(client({ credentials: { accessKeyId: fake.accessKeyId, secretAccessKey: 'wrong-secret-wrong-secret' } }).deleteObject('x/y.jpg'));
    expect(fake.requests.length - before).toBe(1);
  });

  it('a store that does not answer in time, or refuses connections, is "unavailable" after the retries', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent = http.createServer(() => undefined); // reads the request, never answers
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const err = await failure(client({ endpoint: new URL(`http://127.0.0.1:${port}`), timeoutMs: 200, maxAttempts: 2 }).listObjects(''));
      expect(err.code).toBe('S3:Timeout');
      expect(err.hint).toMatch(/EVIDENCE_S3_ENDPOINT/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
    const refused = await failure(client({ endpoint: new URL(`http://127.0.0.1:${port}`), maxAttempts: 2 }).listObjects(''));
    expect(refused.code).toBe('S3:ECONNREFUSED');
  });

  it('virtual-hosted URLs put the bucket in the host, and their signature holds for aws4 too', () => {
    const c = client({ endpoint: new URL('https://s3.ap-southeast-3.amazonaws.com'), forcePathStyle: false });
    const url = c.url('netra/bukti/0b8f3c2e-1d4a-4c6b-9f7e-2a1b3c4d5e6f.jpg');
    expect(url.toString()).toBe('https://netra-bukti.s3.ap-southeast-3.amazonaws.com/netra/bukti/0b8f3c2e-1d4a-4c6b-9f7e-2a1b3c4d5e6f.jpg');
    const list = c.url('', { 'list-type': '2', prefix: 'netra/bukti/', 'encoding-type': 'url' });
    expect(list.host).toBe('netra-bukti.s3.ap-southeast-3.amazonaws.com');
    const now = new Date();
    for (const u of [url, list]) {
      const headers = signS3Request({ method: 'GET', url: u, headers: {}, payloadSha256: EMPTY_SHA256 }, { accessKeyId: fake.accessKeyId, secretAccessKey: fake.secretAccessKey }, fake.region, now);
      const received = { method: 'GET', host: u.host, path: `${u.pathname}${u.search}`, headers, body: Buffer.alloc(0) };
      expect(verifySigV4(received, { accessKeyId: fake.accessKeyId, secretAccessKey: fake.secretAccessKey }, fake.region, now)).toBeUndefined();
      // …and the check is not a formality: one changed header breaks it.
      expect(verifySigV4({ ...received, path: `${u.pathname}x${u.search}` }, { accessKeyId: fake.accessKeyId, secretAccessKey: fake.secretAccessKey }, fake.region, now)).toBe(
        'SignatureDoesNotMatch',
      );
    }
    const pathStyle = client({ endpoint: new URL('http://127.0.0.1:9000/minio') }).url('a.jpg');
    expect(pathStyle.toString()).toBe('http://127.0.0.1:9000/minio/netra-bukti/a.jpg');
  });
});

describe('S3 XML answers are read narrowly', () => {
  it('a listing is checked with zod; a DOCTYPE (entity expansion) is refused', () => {
    const page = parseListObjectsV2(
      '<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a%2Fb%26c.jpg</Key><LastModified>2026-12-01T10:00:00.000Z</LastModified><Size>12</Size></Contents></ListBucketResult>',
    );
    expect(page.objects).toEqual([{ key: 'a/b&c.jpg', lastModified: new Date('2026-12-01T10:00:00.000Z'), size: 12 }]);
    expect(() => parseListObjectsV2('<!DOCTYPE x [<!ENTITY a "b">]><ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>')).toThrow(/DOCTYPE/);
    expect(() => parseListObjectsV2('<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>')).toThrow(/NextContinuationToken/);
    expect(() => parseListObjectsV2('<ListBucketResult><Contents><Key>k</Key><LastModified>kemarin</LastModified><Size>1</Size></Contents></ListBucketResult>')).toThrow();
    expect(parseErrorCode('<Error><Code>SignatureDoesNotMatch</Code><Message>…</Message></Error>')).toBe('SignatureDoesNotMatch');
    expect(parseErrorCode('<html>502 Bad Gateway</html>')).toBeUndefined();
  });
});

describe('configuration of the S3 evidence store', () => {
  const base = { EVIDENCE_STORE: 's3', EVIDENCE_S3_BUCKET: 'netra-bukti', EVIDENCE_S3_ACCESS_KEY_ID: 'AKIDEXAMPLE', EVIDENCE_S3_SECRET_ACCESS_KEY: 'rahasia-sekali-jangan-dicetak' };
  const fails = (env: Record<string, string>): string => {
    try {
      loadConfig(env, '/tmp');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('no ConfigError');
  };

  it('a missing or malformed value stops the start with one Indonesian line naming the variable, never the secret', () => {
    expect(fails({ ...base, EVIDENCE_S3_BUCKET: '' })).toMatch(/^Konfigurasi salah: EVIDENCE_STORE=s3 membutuhkan EVIDENCE_S3_BUCKET/);
    expect(fails({ ...base, EVIDENCE_S3_SECRET_ACCESS_KEY: '' })).toMatch(/membutuhkan EVIDENCE_S3_SECRET_ACCESS_KEY/);
    expect(fails({ ...base, EVIDENCE_S3_BUCKET: 'Bukti_Netra' })).toMatch(/^Konfigurasi salah: EVIDENCE_S3_BUCKET="Bukti_Netra" — nama bucket S3/);
    expect(fails({ ...base, EVIDENCE_STORE: 'ftp' })).toMatch(/EVIDENCE_STORE="ftp" — harus dir atau s3/);
    expect(fails({ ...base, EVIDENCE_S3_ENDPOINT: 'https://AKID:rahasia@minio.example' })).toMatch(/EVIDENCE_S3_ENDPOINT=.* jangan cantumkan kunci/);
    expect(fails({ ...base, EVIDENCE_S3_ENDPOINT: 'http://minio.internal:9000' })).toMatch(/http:\/\/ tanpa TLS/);
    expect(fails({ ...base, EVIDENCE_S3_PREFIX: '../x' })).toMatch(/EVIDENCE_S3_PREFIX/);
    expect(fails({ ...base, EVIDENCE_S3_SSE: 'aws:kms' })).toMatch(/EVIDENCE_S3_SSE="aws:kms" — hanya AES256/);
    const secretBad = fails({ ...base, EVIDENCE_S3_SECRET_ACCESS_KEY: 'x'.repeat(5), EVIDENCE_S3_REGION: 'Jakarta Raya' });
    expect(secretBad).toMatch(/EVIDENCE_S3_REGION/);
  });

  it('defaults: AWS virtual-hosted over HTTPS, path-style for an address, the prefix ending in /', () => {
    const aws = loadConfig({ ...base, EVIDENCE_S3_REGION: 'ap-southeast-3', EVIDENCE_S3_PREFIX: 'netra/bukti' }, '/tmp').evidenceS3!;
    expect(aws).toMatchObject({ endpoint: 'https://s3.ap-southeast-3.amazonaws.com', forcePathStyle: false, prefix: 'netra/bukti/', region: 'ap-southeast-3' });
    expect(aws.serverSideEncryption).toBeUndefined();
    const minio = loadConfig({ ...base, EVIDENCE_S3_ENDPOINT: 'http://127.0.0.1:9000', EVIDENCE_S3_SSE: 'AES256' }, '/tmp').evidenceS3!;
    expect(minio).toMatchObject({ endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, prefix: '', region: 'us-east-1', serverSideEncryption: 'AES256' });
    expect(loadConfig({}, '/tmp').evidenceS3).toBeUndefined();
    expect(loadConfig({ EVIDENCE_DIR: '/mnt/bukti' }, '/tmp').evidenceDir).toBe('/mnt/bukti');
  });
});
