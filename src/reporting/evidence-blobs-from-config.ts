import type { Config } from '../config/config.js';
import { S3Client } from '../storage/s3/s3-client.js';
import { DirectoryEvidenceBlobs } from './directory-evidence-blobs.js';
import type { EvidenceBlobs } from './evidence-blobs.js';
import { S3EvidenceBlobs } from './s3-evidence-blobs.js';

/** The evidence store the configuration names: the S3 bucket with EVIDENCE_STORE=s3, else the directory. */
export function evidenceBlobsFromConfig(config: Pick<Config, 'evidenceDir' | 'evidenceS3' | 'maxEvidenceBytes'>): EvidenceBlobs {
  const s3 = config.evidenceS3;
  if (!s3) return new DirectoryEvidenceBlobs(config.evidenceDir);
  const client = new S3Client({
    endpoint: new URL(s3.endpoint),
    region: s3.region,
    bucket: s3.bucket,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    timeoutMs: s3.timeoutMs,
  });
  return new S3EvidenceBlobs(client, {
    prefix: s3.prefix,
    maxBytes: config.maxEvidenceBytes,
    ...(s3.serverSideEncryption ? { serverSideEncryption: s3.serverSideEncryption } : {}),
  });
}

/** Where evidence goes, for the start-up log: never the key or the secret. */
export function describeEvidenceStore(config: Pick<Config, 'evidenceDir' | 'evidenceS3'>): Record<string, string | boolean> {
  const s3 = config.evidenceS3;
  if (!s3) return { store: 'dir', dir: config.evidenceDir };
  return { store: 's3', endpoint: s3.endpoint, bucket: s3.bucket, prefix: s3.prefix, region: s3.region, pathStyle: s3.forcePathStyle, sse: s3.serverSideEncryption ?? false };
}
