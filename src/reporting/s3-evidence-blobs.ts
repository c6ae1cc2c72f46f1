import type { S3Client } from '../storage/s3/s3-client.js';
import { assertStoredEvidenceName, type EvidenceBlobEntry, type EvidenceBlobs, EvidenceMissingError, isStoredEvidenceName } from './evidence-blobs.js';

/**
 * Evidence as objects in an S3-compatible bucket, under `prefix` (e.g. `netra/evidence/`), so any
 * number of workers on any machines share it. A PUT is atomic (an object exists whole or not at
 * all), so there are no partial files here. Objects are sent with `x-amz-server-side-encryption:
 * AES256` only when EVIDENCE_S3_SSE asks for it: Netra does not encrypt evidence itself, in a
 * directory or a bucket.
 */
export class S3EvidenceBlobs implements EvidenceBlobs {
  readonly kind = 's3' as const;

  constructor(
    private readonly client: S3Client,
    private readonly options: { prefix: string; serverSideEncryption?: 'AES256'; maxBytes: number },
  ) {}

  async put(name: string, bytes: Buffer, mimeType: string): Promise<void> {
    assertStoredEvidenceName(name);
    await this.client.putObject(this.key(name), bytes, {
      contentType: mimeType,
      ...(this.options.serverSideEncryption ? { serverSideEncryption: this.options.serverSideEncryption } : {}),
    });
  }

  async get(name: string): Promise<Buffer> {
    assertStoredEvidenceName(name);
    const bytes = await this.client.getObject(this.key(name), this.options.maxBytes);
    if (!bytes) throw new EvidenceMissingError(name);
    return bytes;
  }

  async remove(name: string): Promise<void> {
    if (!isStoredEvidenceName(name)) return;
    await this.client.deleteObject(this.key(name));
  }

  async list(): Promise<EvidenceBlobEntry[]> {
    const objects = await this.client.listObjects(this.options.prefix);
    const entries: EvidenceBlobEntry[] = [];
    for (const o of objects) {
      const name = o.key.slice(this.options.prefix.length);
      // Keys below the prefix that this store did not make (another application's, a folder) are left alone.
      if (o.key.startsWith(this.options.prefix) && isStoredEvidenceName(name)) entries.push({ name, lastModified: o.lastModified });
    }
    return entries;
  }

  async probe(): Promise<void> {
    // One key is enough to know the endpoint answers and accepts the key for this bucket and prefix.
    await this.client.listObjects(this.options.prefix, { maxKeys: 1, maxPages: 1 });
  }

  private key(name: string): string {
    return `${this.options.prefix}${name}`;
  }
}
