import { z } from 'zod';
import type { ReportedParty, ReporterIdentity } from './report-model.js';

/** Length limits shared by validation and prompts, so what we ask matches what we accept. */
export const LIMITS = {
  kindLabel: { min: 3, max: 150 },
  partyPart: 200,
  place: { min: 3, max: 300 },
  chronology: { min: 20, max: 4000 },
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

export const KindLabelSchema = text('Jenis pelanggaran', LIMITS.kindLabel.min, LIMITS.kindLabel.max);

export const ReportedPartySchema = z
  .object({
    name: optionalPart('Nama terlapor', LIMITS.partyPart),
    position: optionalPart('Jabatan terlapor', LIMITS.partyPart),
    agency: optionalPart('Instansi terlapor', LIMITS.partyPart),
    idNumber: z
      .string()
      .regex(/^(\d{16}|\d{18})$/, 'NIP harus 18 angka atau NIK 16 angka.')
      .optional(),
  })
  .refine((p) => Boolean(p.name || p.position || p.agency), {
    message: 'Mohon isi minimal salah satu: nama, jabatan, atau instansi orang yang dilaporkan.',
  });

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

const ID_NUMBER = /(?<!\d)(\d{18}|\d{16})(?!\d)/;
const ID_NUMBER_SPACED = /(?<!\d)(?:NIP|NIK)?\.?\s*:?\s*(\d[\d .]{14,24}\d)(?!\d)/i;

/**
 * Reads who is reported from one free-text answer, so a chat user types once instead of
 * answering three prompts: "Nama: …, Jabatan: …, Instansi: …" or positionally
 * "nama, jabatan, instansi" (commas or lines; anything after the second part is the agency).
 * An 18-digit NIP or 16-digit NIK anywhere is picked out. "-" or "tidak tahu" leaves a part empty.
 */
export function parseReportedParty(value: string): FieldResult<ReportedParty> {
  let rest = cleanText(value);
  let idNumber: string | undefined;
  const spaced = ID_NUMBER_SPACED.exec(rest);
  if (spaced) {
    const digits = spaced[1]!.replace(/[ .]/g, '');
    if (digits.length === 16 || digits.length === 18) {
      idNumber = digits;
      rest = rest.replace(spaced[0], ' ');
    }
  }
  if (!idNumber) {
    const plain = ID_NUMBER.exec(rest);
    if (plain) {
      idNumber = plain[1];
      rest = rest.replace(plain[0], ' ');
    }
  }
  rest = rest.replace(/\b(NIP|NIK)\s*[:=]?\s*(?=[,;\n]|$)/gi, '');
  const labelled = parseLabelled(rest);
  let party: Record<string, string | undefined>;
  if (labelled) {
    party = { name: labelled.name, position: labelled.position, agency: labelled.agency };
    if (!idNumber && labelled.idNumber) {
      const digits = labelled.idNumber.replace(/\D/g, '');
      if (digits) return validate(ReportedPartySchema, { ...party, idNumber: digits });
    }
  } else {
    const parts = rest
      .split(/[\n,;]+/)
      .map((p) => p.trim())
      .filter((p) => p !== '');
    party = { name: parts[0], position: parts[1], agency: parts.slice(2).join(', ') || undefined };
  }
  for (const key of Object.keys(party)) {
    if (party[key] !== undefined && isUnknown(party[key]!)) party[key] = undefined;
  }
  return validate(ReportedPartySchema, { ...party, idNumber });
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
