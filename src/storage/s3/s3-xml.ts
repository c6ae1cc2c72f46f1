import { z } from 'zod';

/**
 * The two S3 XML answers Netra reads — ListObjectsV2 and an error — read with a deliberately
 * small reader: element text by name, the five predefined entities and numeric references
 * decoded, nothing else. A document type declaration (the door to entity expansion) is refused,
 * as is an answer over {@link MAX_XML_CHARS}. What is read is checked with zod.
 */
export const MAX_XML_CHARS = 8 * 1024 * 1024;

const ListedObjectSchema = z.object({
  key: z.string().min(1).max(1024),
  lastModified: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
  size: z.coerce.number().int().min(0),
});

const ListPageSchema = z.object({
  objects: z.array(ListedObjectSchema),
  isTruncated: z.enum(['true', 'false']).transform((v) => v === 'true'),
  nextContinuationToken: z.string().min(1).max(4096).optional(),
});

export type ListedObject = z.infer<typeof ListedObjectSchema>;
export type ListPage = z.infer<typeof ListPageSchema>;

/** Thrown when an answer is not the XML it should be. */
export class S3XmlError extends Error {
  constructor(what: string) {
    super(`Jawaban S3 tidak dapat dibaca: ${what}.`);
    this.name = 'S3XmlError';
  }
}

/** One page of a ListObjectsV2 answer. */
export function parseListObjectsV2(xml: string): ListPage {
  guard(xml);
  const root = firstElement(xml, 'ListBucketResult');
  if (root === undefined) throw new S3XmlError('tidak ada ListBucketResult');
  const objects = elements(root, 'Contents').map((c) => ({
    key: decodeUrlEncoded(firstText(c, 'Key')),
    lastModified: firstText(c, 'LastModified'),
    size: firstText(c, 'Size'),
  }));
  const parsed = ListPageSchema.safeParse({
    objects,
    isTruncated: firstText(root, 'IsTruncated') ?? 'false',
    nextContinuationToken: firstText(root, 'NextContinuationToken') || undefined,
  });
  if (!parsed.success) throw new S3XmlError(parsed.error.issues[0]?.message ?? 'bentuk tidak dikenal');
  if (parsed.data.isTruncated && !parsed.data.nextContinuationToken) throw new S3XmlError('IsTruncated tanpa NextContinuationToken');
  return parsed.data;
}

/** The `<Code>` of an S3 error answer (e.g. SignatureDoesNotMatch), when it has one. */
export function parseErrorCode(xml: string): string | undefined {
  if (xml.length > 64 * 1024 || /<!DOCTYPE|<!ENTITY/i.test(xml)) return undefined;
  const root = firstElement(xml, 'Error');
  const code = root === undefined ? undefined : firstText(root, 'Code');
  return code && /^[A-Za-z0-9.]{1,64}$/.test(code) ? code : undefined;
}

function guard(xml: string): void {
  if (xml.length > MAX_XML_CHARS) throw new S3XmlError('terlalu besar');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new S3XmlError('berisi deklarasi DOCTYPE/ENTITY');
}

/** The inner text of every `<name>…</name>` (attributes allowed, no nesting of the same name). */
function elements(xml: string, name: string): string[] {
  const re = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g');
  return [...xml.matchAll(re)].map((m) => m[1] ?? '');
}

function firstElement(xml: string, name: string): string | undefined {
  return elements(xml, name)[0];
}

function firstText(xml: string, name: string): string | undefined {
  const inner = firstElement(xml, name);
  if (inner === undefined) return undefined;
  if (/<(?!!\[CDATA\[)/.test(inner)) return undefined; // an element, not text
  return decodeEntities(inner.replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, '$1'));
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (_, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[e] !== undefined) return named[e];
    const code = e.startsWith('#x') ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** Keys come back URL-encoded (Netra asks with `encoding-type=url`, so no key can break the XML). */
function decodeUrlEncoded(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
