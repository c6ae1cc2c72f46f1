import { z } from 'zod';
import type { ReporterIdentity } from './report-model.js';

/** Length limits shared by validation and prompts, so what we ask matches what we accept. */
export const LIMITS = {
  kindLabel: { min: 3, max: 150 },
  partyPart: 200,
  place: { min: 3, max: 300 },
  /**
   * The description may come in several messages (a Telegram message holds 4,096 characters);
   * together they may hold this many. Documented in the README.
   */
  chronology: { min: 20, max: 10_000 },
  evidenceDescription: 500,
  link: 500,
  maxLinks: 10,
  maxFiles: 10,
  identityName: 120,
  identityAddress: 300,
  identityContact: 120,
  statusNote: 500,
} as const;

/** Trims, folds runs of spaces (keeping line breaks) and drops control characters users paste by accident. */
export function cleanText(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const text = (label: string, min: number, max: number) =>
  z
    .string()
    .transform(cleanText)
    .pipe(
      z
        .string()
        .min(min, min <= 1 ? `${label} tidak boleh kosong.` : `${label} terlalu singkat (minimal ${min} karakter).`)
        .max(max, `${label} terlalu panjang (maksimal ${max} karakter).`),
    );

const optionalPart = (label: string, max: number) =>
  z
    .string()
    .transform(cleanText)
    .pipe(z.string().max(max, `${label} terlalu panjang (maksimal ${max} karakter).`))
    .optional()
    .transform((v) => (v ? v : undefined));

/**
 * A person's name as typed: at least two letters and three characters, not a lone symbol or a
 * run of one letter ("x", "--", "aaa"), which people type to get past a question.
 */
export function plausibleName(value: string, orElse = 'pilih "Lewati" bila tidak tahu'): FieldResult<string> {
  const v = cleanText(value);
  const letters = v.replace(/[^\p{L}]/gu, '');
  if (v.length < 3 || letters.length < 2 || new Set(letters.toLowerCase()).size < 2) {
    return { ok: false, message: `"${v.slice(0, 20)}" tidak tampak seperti nama. Tulis nama lengkap, atau ${orElse}.` };
  }
  if (v.length > LIMITS.partyPart) return { ok: false, message: `Nama terlalu panjang (maksimal ${LIMITS.partyPart} karakter).` };
  return { ok: true, value: v };
}

/** A position or an agency: short free text with at least two letters. */
export function partyPart(label: string, value: string): FieldResult<string> {
  const v = cleanText(value);
  if (v.replace(/[^\p{L}]/gu, '').length < 2) return { ok: false, message: `${label} terlalu singkat. Tulis ${label.toLowerCase()}nya, atau pilih "Lewati".` };
  if (v.length > LIMITS.partyPart) return { ok: false, message: `${label} terlalu panjang (maksimal ${LIMITS.partyPart} karakter).` };
  return { ok: true, value: v };
}

/** An 18-digit NIP or a 16-digit NIK, typed with or without spaces and dots. */
export function idNumber(value: string): FieldResult<string> {
  const digits = value.replace(/^\s*(nip|nik)\s*[:=]?\s*/i, '').replace(/[\s.]/g, '');
  if (/^(\d{16}|\d{18})$/.test(digits)) return { ok: true, value: digits };
  return { ok: false, message: 'NIP harus 18 angka atau NIK 16 angka. Periksa lagi, atau pilih "Lewati" bila tidak tahu.' };
}

/** True for "-", "tidak tahu" and the like: the part is left empty. */
export function isUnknownAnswer(value: string): boolean {
  return isUnknown(value);
}

/**
 * True when a message asks something rather than describing what happened ("Bagaimana cara
 * melaporkannya?"), so it is not offered as the report's description.
 */
export function looksLikeQuestion(value: string): boolean {
  const t = cleanText(value).toLowerCase();
  if (t.endsWith('?')) return true;
  return /^(bagaimana|gimana|gmn|bgmn|apakah|apa|bolehkah|boleh|bisakah|bisa|kemana|ke mana|dimana|di mana|siapa|kapan|berapa|mengapa|kenapa|haruskah|how|what|where|can|may|is|should)\b/.test(t);
}

export const KindLabelSchema = text('Jenis pelanggaran', LIMITS.kindLabel.min, LIMITS.kindLabel.max);

export const PlaceSchema = text('Tempat kejadian', LIMITS.place.min, LIMITS.place.max);

export const ChronologySchema = text('Uraian kejadian', LIMITS.chronology.min, LIMITS.chronology.max);

export const LinkSchema = z
  .string()
  .max(LIMITS.link, `Tautan terlalu panjang (maksimal ${LIMITS.link} karakter).`)
  .pipe(z.url({ protocol: /^https?$/, error: 'Tautan harus diawali http:// atau https://.' }));

export const ReporterIdentitySchema = z
  .object({
    name: optionalPart('Nama', LIMITS.identityName),
    address: optionalPart('Alamat', LIMITS.identityAddress),
    contact: optionalPart('Kontak', LIMITS.identityContact),
  })
  .refine((i) => Boolean(i.name || i.address || i.contact), {
    message: 'Mohon tulis nama Anda (dan sebaiknya alamat serta kontak), atau pilih "Anonim".',
  });

export const StatusNoteSchema = text('Catatan', 0, LIMITS.statusNote);

export type FieldResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Runs a schema and returns the first problem as one Indonesian sentence. */
export function validate<T>(schema: z.ZodType<T>, input: unknown): FieldResult<T> {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, message: r.error.issues[0]?.message ?? 'Isian belum sesuai.' };
}

const LABELS: Record<string, string> = {
  nama: 'name',
  name: 'name',
  jabatan: 'position',
  posisi: 'position',
  instansi: 'agency',
  unit: 'agency',
  'unit kerja': 'agency',
  kantor: 'agency',
  nip: 'idNumber',
  nik: 'idNumber',
  alamat: 'address',
  kontak: 'contact',
  hp: 'contact',
  'no hp': 'contact',
  'no. hp': 'contact',
  telepon: 'contact',
  telp: 'contact',
  email: 'contact',
  'e-mail': 'contact',
  wa: 'contact',
  whatsapp: 'contact',
};

/** Splits "Nama: X, Jabatan: Y" style answers; returns undefined when the text has no labels. */
function parseLabelled(value: string): Record<string, string> | undefined {
  const labelPattern = new RegExp(`(?:^|[\\n,;])\\s*(${Object.keys(LABELS).map(escapeRegExp).join('|')})\\s*[:=]`, 'gi');
  const matches = [...value.matchAll(labelPattern)];
  if (matches.length === 0) return undefined;
  const out: Record<string, string> = {};
  matches.forEach((m, i) => {
    const start = m.index! + m[0].length;
    const end = i + 1 < matches.length ? matches[i + 1]!.index! : value.length;
    const key = LABELS[m[1]!.toLowerCase()]!;
    const part = value.slice(start, end).replace(/^[\s,;]+|[\s,;]+$/g, '');
    if (part) out[key] = out[key] ? `${out[key]}, ${part}` : part;
  });
  return out;
}

const CONTACT_EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
const CONTACT_PHONE = /(?:\+?62|0)[\s-]?8[\d\s-]{7,14}\d/;

/**
 * Reads the reporter's identity from one answer: "Nama: …, Alamat: …, Kontak: …", or
 * positionally: the first part is the name, a phone number or e-mail anywhere is the contact,
 * and the rest is the address (addresses contain commas, so they are not split further).
 */
export function parseReporterIdentity(value: string): FieldResult<ReporterIdentity> {
  const cleaned = cleanText(value);
  const labelled = parseLabelled(cleaned);
  if (labelled) {
    if (labelled.name) {
      const plausible = plausibleName(labelled.name, 'pilih "Anonim"');
      if (!plausible.ok) return plausible;
    }
    return validate(ReporterIdentitySchema, {
      name: labelled.name,
      address: labelled.address,
      contact: labelled.contact,
    });
  }
  let rest = cleaned;
  let contact: string | undefined;
  const email = CONTACT_EMAIL.exec(rest);
  const phone = CONTACT_PHONE.exec(rest);
  const found = [email?.[0], phone?.[0]].filter((x): x is string => Boolean(x));
  if (found.length > 0) {
    contact = found.join(', ');
    for (const f of found) rest = rest.replace(f, ' ');
  }
  const [first, ...others] = rest.split(/\n|,|;/);
  const name = first?.trim() || undefined;
  if (name) {
    const plausible = plausibleName(name, 'pilih "Anonim"');
    if (!plausible.ok) return plausible;
  }
  const address = others
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .join(', ') || undefined;
  return validate(ReporterIdentitySchema, { name, address, contact });
}

/** Pulls http(s) links out of a message, de-duplicated and in order. */
export function extractLinks(value: string): string[] {
  const found = value.match(/https?:\/\/[^\s<>"']+/gi) ?? [];
  return [...new Set(found.map((l) => l.replace(/[),.;!?]+$/, '')))];
}

function isUnknown(value: string): boolean {
  return /^(-+|\?+|tidak tahu|tidak tau|gak tahu|ga tahu|nggak tahu|tdk tahu|tidak diketahui|belum tahu|tidak ada)$/i.test(
    value.trim(),
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
