import { z } from 'zod';

/**
 * A file of named typed arrays with a JSON header, for index parts that are mostly numbers
 * (posting lists, vectors): reading one is a single read and a few views on the buffer, instead
 * of parsing millions of numbers out of JSON.
 *
 * Layout: `NTRA` · u32 format version · u32 header length · header JSON (UTF-8) · padding to 8 ·
 * each array in header order, 8-aligned. The header is validated with zod and every array's
 * extent is checked against the file size, so a truncated or garbled file is rejected with a
 * reason instead of being read as nonsense.
 */

const MAGIC = 'NTRA';
const VERSION = 1;
const ALIGN = 8;

type ArrayKind = 'u8' | 'u16' | 'u32' | 'f32' | 'f64';
type ArrayOf<K extends ArrayKind> = K extends 'u8'
  ? Uint8Array
  : K extends 'u16'
    ? Uint16Array
    : K extends 'u32'
      ? Uint32Array
      : K extends 'f32'
        ? Float32Array
        : Float64Array;
export type StoredArray = Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

/** Bytes per element of each kind. */
const WIDTH: Record<ArrayKind, number> = { u8: 1, u16: 2, u32: 4, f32: 4, f64: 8 };

const ArrayEntrySchema = z.object({
  name: z.string().min(1),
  kind: z.enum(['u8', 'u16', 'u32', 'f32', 'f64']),
  length: z.number().int().min(0),
});
const HeaderSchema = z.object({ meta: z.unknown(), arrays: z.array(ArrayEntrySchema) });

/** Thrown when a file is not a complete, well-formed arrays file. */
export class BinaryArraysFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BinaryArraysFileError';
  }
}

function kindOf(a: StoredArray): ArrayKind {
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Float32Array) return 'f32';
  return 'f64';
}

const pad = (n: number) => (ALIGN - (n % ALIGN)) % ALIGN;

/** Encodes `meta` (any JSON value) and the arrays into one buffer. */
export function encodeArraysFile(meta: unknown, arrays: Record<string, StoredArray>): Buffer {
  const entries = Object.entries(arrays).map(([name, a]) => ({ name, kind: kindOf(a), length: a.length }));
  const header = Buffer.from(JSON.stringify({ meta, arrays: entries }), 'utf8');
  const prefix = 12 + header.length;
  let size = prefix + pad(prefix);
  for (const a of Object.values(arrays)) size += a.byteLength + pad(a.byteLength);
  const out = Buffer.alloc(size);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(header.length, 8);
  header.copy(out, 12);
  let at = prefix + pad(prefix);
  for (const a of Object.values(arrays)) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength + pad(a.byteLength);
  }
  return out;
}

/** Decodes a buffer written by {@link encodeArraysFile}, validating `meta` with `metaSchema`. */
export function decodeArraysFile<M extends z.ZodType>(
  buffer: Buffer,
  metaSchema: M,
): { meta: z.infer<M>; arrays: Map<string, StoredArray> } {
  if (buffer.length < 12 || buffer.toString('latin1', 0, 4) !== MAGIC) throw new BinaryArraysFileError('not an index arrays file');
  if (buffer.readUInt32LE(4) !== VERSION) throw new BinaryArraysFileError(`unknown arrays file version ${buffer.readUInt32LE(4)}`);
  const headerLength = buffer.readUInt32LE(8);
  if (12 + headerLength > buffer.length) throw new BinaryArraysFileError('truncated header');
  let header: z.infer<typeof HeaderSchema>;
  try {
    header = HeaderSchema.parse(JSON.parse(buffer.toString('utf8', 12, 12 + headerLength)));
  } catch (err) {
    throw new BinaryArraysFileError(`unreadable header: ${(err as Error).message.split('\n')[0]}`);
  }
  const meta = metaSchema.safeParse(header.meta);
  if (!meta.success) throw new BinaryArraysFileError(`header does not match: ${meta.error.issues[0]?.message ?? 'invalid'}`);
  // Typed-array views need the buffer aligned; readFile usually gives offset 0, a pooled slice may not.
  const aligned = buffer.byteOffset % ALIGN === 0 ? buffer : Buffer.from(new Uint8Array(buffer).buffer);
  const arrays = new Map<string, StoredArray>();
  const prefix = 12 + headerLength;
  let at = prefix + pad(prefix);
  for (const e of header.arrays) {
    const bytes = e.length * WIDTH[e.kind];
    if (at + bytes > aligned.length) throw new BinaryArraysFileError(`array "${e.name}" is truncated`);
    arrays.set(e.name, view(e.kind, aligned.buffer, aligned.byteOffset + at, e.length));
    at += bytes + pad(bytes);
  }
  if (at !== aligned.length) throw new BinaryArraysFileError(`unexpected size: ${aligned.length} bytes, expected ${at}`);
  return { meta: meta.data, arrays };
}

function view(kind: ArrayKind, buffer: ArrayBufferLike, offset: number, length: number): StoredArray {
  switch (kind) {
    case 'u8':
      return new Uint8Array(buffer, offset, length);
    case 'u16':
      return new Uint16Array(buffer, offset, length);
    case 'u32':
      return new Uint32Array(buffer, offset, length);
    case 'f32':
      return new Float32Array(buffer, offset, length);
    case 'f64':
      return new Float64Array(buffer, offset, length);
  }
}

/** The array `name` of kind `kind` from a decoded file, or an error naming what is missing. */
export function requireArray<K extends ArrayKind>(arrays: Map<string, StoredArray>, name: string, kind: K): ArrayOf<K> {
  const a = arrays.get(name);
  if (!a || kindOf(a) !== kind) throw new BinaryArraysFileError(`array "${name}" (${kind}) is missing`);
  return a as ArrayOf<K>;
}
