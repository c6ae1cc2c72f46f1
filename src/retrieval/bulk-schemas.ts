import { z } from 'zod';

/**
 * zod schemas for the long arrays of primitives an index file holds (tens of thousands of chunk
 * ids, node refs, terms). `z.array(z.string())` parses each element on its own and copies the
 * array: at 100× the corpus that was a third of loading an index, most of it before the JIT had
 * warmed up. These check the same thing — an array, every element of the type — in one loop, and
 * return the array as it is.
 */

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** An array of strings, checked in one pass. */
export function stringArray(): z.ZodType<string[]> {
  return z.custom<string[]>(isStringArray, { message: 'harus daftar teks' });
}

/** An array of non-empty strings or null (a freed slot), checked in one pass. */
export function idOrNullArray(): z.ZodType<(string | null)[]> {
  return z.custom<(string | null)[]>(
    (v) => Array.isArray(v) && v.every((x) => x === null || (typeof x === 'string' && x.length > 0)),
    { message: 'harus daftar id (teks tidak kosong) atau null' },
  );
}
