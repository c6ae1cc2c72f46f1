import { formatLongDate, formatShortDate, type IsoDate } from '../knowledge/calendar-date.js';
import type { ElectionContext } from './election-context.js';
import { formatBytes } from './evidence-store.js';
import { DATE_FORMAT_HINT, parseIncidentDate } from './incident-date.js';
import { computeDeadline, describeDeadline } from './report-deadline.js';
import {
  ChronologySchema,
  cleanText,
  extractLinks,
  idNumber,
  isUnknownAnswer,
  KindLabelSchema,
  looksLikeQuestion,
  LIMITS,
  LinkSchema,
  parseReporterIdentity,
  partyPart,
  PlaceSchema,
  plausibleName,
  validate,
} from './report-fields.js';
import { ELECTION_LABELS, ELECTION_TYPES, type DraftFields, type ElectionType, type ReportedParty } from './report-model.js';
import { formatIdentity, formatParty } from './report-summary.js';

/**
 * The reporting flow's steps, one object each: what it asks, which choices it offers, how it
 * reads an answer and which step follows. The flow engine (report-flow.ts) only moves between
 * them; nothing here knows about chats, buttons or numbered replies.
 */

export const STEP_IDS = [
  'kind',
  'kindOther',
  'election',
  'reportedName',
  'reportedPosition',
  'reportedAgency',
  'reportedId',
  'date',
  'known',
  'place',
  'chronology',
  'evidence',
  'identity',
  'consent',
  'confirm',
] as const;
export type StepId = (typeof STEP_IDS)[number];

/** Steps are shown to the reporter in nine numbered groups ("Langkah 3 dari 9"). */
export const STEP_GROUPS = 9;

/** A choice a step offers; the conversation shows it as a button or a numbered option. */
export interface StepChoice {
  id: string;
  label: string;
}

/** What the reporter sent, reduced to what a step reads (files are stored by the caller first). */
export interface StepInput {
  text: string;
  choiceId?: string;
}

/** What the flow needs to know about the world; no I/O. */
export interface FlowContext {
  kinds: readonly { id: string; label: string }[];
  today: IsoDate;
  /** Whether identities are encrypted at rest (said honestly in the identity prompt). */
  encrypted: boolean;
  maxEvidenceBytes: number;
  /** The election calendar on a date, for the Bawaslu deadline. */
  electionOn(date: IsoDate): ElectionContext;
}

export type StepResult =
  /** The step is answered; the flow moves on. */
  | { kind: 'done'; fields: DraftFields; notice?: string }
  /** Accepted, but the step stays open (another part of the description, another link). */
  | { kind: 'stay'; fields: DraftFields; notice: string }
  /** Not accepted; nothing changes. */
  | { kind: 'invalid'; message: string };

export interface ReportStep {
  id: StepId;
  /** 1–9, shown as "Langkah N dari 9". */
  group: number;
  title: string;
  /** The question, as lines. */
  body(f: DraftFields, ctx: FlowContext): string[];
  choices(f: DraftFields, ctx: FlowContext): StepChoice[];
  accept(input: StepInput, f: DraftFields, ctx: FlowContext): StepResult;
  /** Whether the step already holds an answer (then "Tetap gunakan…" is offered). */
  complete(f: DraftFields): boolean;
  next(f: DraftFields, ctx: FlowContext): StepId;
  /** Adjusts the fields when the flow arrives at the step (e.g. a fresh description). */
  enter?(f: DraftFields): DraftFields;
}

export const OTHER_KIND_ID = 'lainnya';
export const OTHER_KIND_LABEL = 'Lainnya (tulis sendiri)';
const SKIP: StepChoice = { id: 'skip', label: 'Lewati (tidak tahu)' };

/** A button pressed on an earlier step's message (Telegram keeps them on screen). */
const stale = (): StepResult => ({
  kind: 'invalid',
  message: 'Tombol itu dari langkah sebelumnya dan tidak berlaku lagi. Jawab langkah yang sedang berjalan di bawah ini.',
});

/** Said when a question is typed where the flow expects a short answer (it would be stored as that answer). */
const QUESTION_DURING_REPORT =
  'Itu tampak seperti pertanyaan, sedangkan Anda sedang mengisi laporan, jadi tidak dicatat. Untuk bertanya sekarang, ketik /batal (isian laporan dihapus); atau lanjutkan laporan dan tanyakan sesudahnya.';

/** Normalised text for matching typed words ("Selesai." → "selesai"). */
export function typedWord(text: string): string {
  return text.toLowerCase().replace(/[.!]+$/, '').trim();
}

function answered(f: DraftFields, id: StepId): DraftFields {
  return { ...f, answered: [...new Set([...(f.answered ?? []), id])] };
}

function isAnswered(f: DraftFields, id: StepId): boolean {
  return (f.answered ?? []).includes(id);
}

function withParty(f: DraftFields, part: Partial<ReportedParty>, id: StepId): DraftFields {
  const reported = { ...(f.reported ?? {}), ...part };
  for (const k of Object.keys(reported) as (keyof ReportedParty)[]) if (reported[k] === undefined) delete reported[k];
  return answered({ ...f, reported }, id);
}

function skipped(input: StepInput): boolean {
  return input.choiceId === SKIP.id || (input.choiceId === undefined && (isUnknownAnswer(input.text) || /^(lewati|skip)$/.test(typedWord(input.text))));
}

function partyStep(
  id: StepId,
  title: string,
  field: keyof ReportedParty,
  ask: string[] | ((f: DraftFields) => string[]),
  read: (text: string) => { ok: true; value: string } | { ok: false; message: string },
  next: StepId,
  after?: (f: DraftFields) => string,
): ReportStep {
  const done = (fields: DraftFields): StepResult => ({ kind: 'done', fields, ...(after ? { notice: after(fields) } : {}) });
  return {
    id,
    group: 3,
    title,
    body: (f) => [...(typeof ask === 'function' ? ask(f) : ask), ...(f.reported?.[field] ? [`Jawaban sebelumnya: ${f.reported[field]}`] : [])],
    choices: () => [SKIP],
    complete: (f) => isAnswered(f, id),
    next: () => next,
    accept(input, f) {
      if (skipped(input)) {
        const fields = withParty(f, { [field]: undefined }, id);
        if (id === 'reportedAgency' && !fields.reported?.name && !fields.reported?.position) {
          return {
            kind: 'invalid',
            message:
              'Mohon isi minimal salah satu: nama, jabatan, atau instansi orang yang dilaporkan. Tulis instansinya, atau ketik /kembali untuk mengisi nama atau jabatan.',
          };
        }
        return done(fields);
      }
      if (input.choiceId !== undefined) return stale();
      const r = read(input.text);
      if (!r.ok) return { kind: 'invalid', message: r.message };
      return done(withParty(f, { [field]: r.value }, id));
    },
  };
}

const kind: ReportStep = {
  id: 'kind',
  group: 1,
  title: 'Jenis dugaan pelanggaran',
  body: (f) => [
    'Apa jenis dugaan pelanggaran netralitas yang ingin Anda laporkan? Pilih salah satu, atau tulis sendiri secara singkat.',
    ...(f.kindLabel ? [`Jawaban sebelumnya: ${f.kindLabel}`] : []),
  ],
  choices: (_f, ctx) => [
    ...ctx.kinds.filter((k) => k.id !== OTHER_KIND_ID).map((k) => ({ id: `kind:${k.id}`, label: k.label })),
    { id: `kind:${OTHER_KIND_ID}`, label: OTHER_KIND_LABEL },
  ],
  complete: (f) => Boolean(f.kindId && f.kindLabel),
  next: (f) => (f.kindLabel ? 'election' : 'kindOther'),
  accept(input, f, ctx) {
    let choiceId = input.choiceId;
    if (choiceId === undefined) {
      const t = typedWord(input.text);
      if (t === 'lainnya') choiceId = `kind:${OTHER_KIND_ID}`;
      const byId = ctx.kinds.find((k) => k.id.toLowerCase() === t);
      if (byId) choiceId = `kind:${byId.id}`;
    }
    if (choiceId !== undefined) {
      if (!choiceId.startsWith('kind:')) return stale();
      const id = choiceId.slice('kind:'.length);
      if (id === OTHER_KIND_ID) return { kind: 'done', fields: { ...f, kindId: OTHER_KIND_ID, kindLabel: undefined } };
      const k = ctx.kinds.find((x) => x.id === id);
      if (!k) return stale();
      return { kind: 'done', fields: { ...f, kindId: k.id, kindLabel: k.label } };
    }
    return customKind(input.text, f);
  },
};

function customKind(text: string, f: DraftFields): StepResult {
  if (looksLikeQuestion(text)) return { kind: 'invalid', message: QUESTION_DURING_REPORT };
  const r = validate(KindLabelSchema, text);
  if (!r.ok) return { kind: 'invalid', message: r.message };
  return { kind: 'done', fields: { ...f, kindId: OTHER_KIND_ID, kindLabel: r.value } };
}

const kindOther: ReportStep = {
  id: 'kindOther',
  group: 1,
  title: 'Jenis dugaan pelanggaran',
  body: () => [
    `Tulis jenis dugaan pelanggarannya secara singkat (${LIMITS.kindLabel.min}–${LIMITS.kindLabel.max} karakter), misalnya "ASN memasang spanduk calon di kantor".`,
  ],
  choices: () => [],
  complete: (f) => f.kindId !== OTHER_KIND_ID || Boolean(f.kindLabel),
  next: () => 'election',
  accept: (input, f) => (input.choiceId !== undefined ? stale() : customKind(input.text, f)),
};

const election: ReportStep = {
  id: 'election',
  group: 2,
  title: 'Pemilu atau Pilkada',
  body: (f) => [
    'Kejadian ini terkait pemilihan yang mana? Ini menentukan ke mana laporan diarahkan dan batas waktu lapor ke Bawaslu.',
    ...(f.election ? [`Jawaban sebelumnya: ${ELECTION_LABELS[f.election]}`] : []),
  ],
  choices: () => ELECTION_TYPES.map((e) => ({ id: `election:${e}`, label: ELECTION_LABELS[e] })),
  complete: (f) => f.election !== undefined,
  next: () => 'reportedName',
  accept(input, f) {
    if (input.choiceId !== undefined && !input.choiceId.startsWith('election:')) return stale();
    const chosen = input.choiceId?.startsWith('election:') ? (input.choiceId.slice('election:'.length) as ElectionType) : undefined;
    const e = input.choiceId === undefined ? electionFromText(input.text) : chosen;
    if (!e || !ELECTION_TYPES.includes(e)) {
      return { kind: 'invalid', message: 'Mohon pilih salah satu: Pemilu, Pilkada, Tidak yakin, atau Tidak terkait Pemilu/Pilkada.' };
    }
    return { kind: 'done', fields: { ...f, election: e } };
  },
};

function electionFromText(text: string): ElectionType | undefined {
  const t = text.toLowerCase();
  if (/\b(bukan|tidak terkait|tak terkait|di luar)\b/.test(t)) return 'bukan_pemilihan';
  if (/\b(tidak (yakin|tahu|tau)|ragu|entah|kurang tahu)\b/.test(t)) return 'tidak_yakin';
  if (/\b(pilkada|pemilihan kepala daerah|bupati|gubernur|wali ?kota|cagub|cabup|cawalkot|paslon)\b/.test(t)) return 'pilkada';
  if (/\b(pemilu|pileg|pilpres|capres|cawapres|caleg|presiden|dpr|dprd|dpd|partai)\b/.test(t)) return 'pemilu';
  return undefined;
}

const reportedName = partyStep(
  'reportedName',
  'Terlapor — nama',
  'name',
  [
    'Siapa nama ASN yang dilaporkan? Tulis namanya saja; gelar boleh ikut, misalnya "Drs. Budi Santoso, M.Si.".',
    'Jabatan dan instansinya ditanyakan sesudah ini. Jika tidak tahu namanya, pilih "Lewati".',
  ],
  (t) => plausibleName(t),
  'reportedPosition',
);

const reportedPosition = partyStep(
  'reportedPosition',
  'Terlapor — jabatan',
  'position',
  ['Apa jabatannya? Misalnya "Kepala Bidang Mutasi" atau "guru". Jika tidak tahu, pilih "Lewati".'],
  (t) => partyPart('Jabatan', t),
  'reportedAgency',
);

const reportedAgency = partyStep(
  'reportedAgency',
  'Terlapor — instansi',
  'agency',
  (f) => [
    'Di instansi mana ia bekerja? Misalnya "BKPSDM Kabupaten Contoh" atau "Dinas Pendidikan Kota Contoh". Jika tidak tahu, pilih "Lewati".',
    // Only when it matters: neither a name nor a position was given.
    ...(f.reported?.name || f.reported?.position ? [] : ['Nama, jabatan, atau instansi: minimal satu harus diisi.']),
  ],
  (t) => partyPart('Instansi', t),
  'reportedId',
);

const reportedId = partyStep(
  'reportedId',
  'Terlapor — NIP/NIK',
  'idNumber',
  [
    'Jika Anda tahu NIP (18 angka) atau NIK (16 angka)-nya, tulis di sini: BKN memerlukannya untuk laporan melalui SBT. Jika tidak tahu, pilih "Lewati".',
  ],
  idNumber,
  'date',
  (f) => `Tercatat — ${endSentence(formatParty(f.reported))} Jika ada yang keliru, ketik /kembali.`,
);

const date: ReportStep = {
  id: 'date',
  group: 4,
  title: 'Tanggal kejadian',
  body: (f) => [`Kapan kejadiannya? ${DATE_FORMAT_HINT}`, ...(f.incidentDate ? [`Jawaban sebelumnya: ${formatLongDate(f.incidentDate)}`] : [])],
  choices: () => [],
  complete: (f) => f.incidentDate !== undefined,
  next: (f, ctx) => (asksKnownDate(f, ctx) ? 'known' : 'place'),
  accept(input, f, ctx) {
    if (input.choiceId !== undefined) return stale();
    const r = parseIncidentDate(input.text, ctx.today);
    if (!r.ok) return { kind: 'invalid', message: r.message };
    // A new incident date invalidates a "known" date before it.
    const knownDate = f.knownDate && f.knownDate >= r.date ? f.knownDate : undefined;
    const fields = { ...f, incidentDate: r.date, knownDate };
    const stage = ctx.electionOn(r.date);
    const note =
      f.election && f.election !== 'bukan_pemilihan' && !stage.running
        ? '\nMenurut kalender Netra, pada tanggal itu tidak ada tahapan Pemilu atau Pilkada yang berjalan; laporan akan diarahkan ke BKN, SP4N-LAPOR!, atau inspektorat, bukan ke Bawaslu.'
        : '';
    return { kind: 'done', fields, notice: `Tercatat: ${formatLongDate(r.date)}.${note}` };
  },
};

/** The "known" date matters only for Bawaslu's deadline, i.e. when an election stage ran on the day. */
function asksKnownDate(f: DraftFields, ctx: FlowContext): boolean {
  return Boolean(f.incidentDate && f.election && f.election !== 'bukan_pemilihan' && ctx.electionOn(f.incidentDate).running);
}

const known: ReportStep = {
  id: 'known',
  group: 4,
  title: 'Kapan Anda mengetahuinya',
  body: (f) => [
    'Kapan Anda mengetahui kejadian ini? Batas waktu lapor ke Bawaslu dihitung sejak pelanggaran diketahui, bukan sejak kejadian.',
    `Pilih "Pada hari kejadian" bila sama, atau tulis tanggalnya. ${DATE_FORMAT_HINT}`,
    ...(f.knownDate ? [`Jawaban sebelumnya: ${formatLongDate(f.knownDate)}`] : []),
  ],
  choices: (f) => (f.incidentDate ? [{ id: 'known:same', label: `Pada hari kejadian (${formatShortDate(f.incidentDate)})` }] : []),
  complete: (f) => f.knownDate !== undefined,
  next: () => 'place',
  accept(input, f, ctx) {
    if (!f.incidentDate) return { kind: 'invalid', message: 'Tanggal kejadian belum diisi. Ketik /kembali.' };
    let knownDate: IsoDate;
    if (input.choiceId === 'known:same' || (input.choiceId === undefined && /^(sama|hari itu|hari yang sama|saat itu|pada hari itu|langsung)$/.test(typedWord(input.text)))) {
      knownDate = f.incidentDate;
    } else if (input.choiceId !== undefined) {
      return stale();
    } else {
      const r = parseIncidentDate(input.text, ctx.today);
      if (!r.ok) return { kind: 'invalid', message: r.message };
      if (r.date < f.incidentDate) {
        return { kind: 'invalid', message: `Tanggal diketahui tidak boleh sebelum tanggal kejadian (${formatShortDate(f.incidentDate)}).` };
      }
      knownDate = r.date;
    }
    const fields = { ...f, knownDate };
    const deadline = f.election ? computeDeadline(effectiveElection(f.election, ctx.electionOn(f.incidentDate)), knownDate, ctx.today) : undefined;
    const warn = deadline && deadline.state !== 'ok' ? `\n${describeDeadline(deadline)}` : '';
    return { kind: 'done', fields, notice: `Tercatat: diketahui ${formatLongDate(knownDate)}.${warn}` };
  },
};

/** An unsure reporter gets the calendar's kind of election when one is running. */
export function effectiveElection(e: ElectionType, stage: ElectionContext): ElectionType {
  return e === 'tidak_yakin' && stage.election ? stage.election.kind : e;
}

const place: ReportStep = {
  id: 'place',
  group: 5,
  title: 'Tempat kejadian',
  body: (f) => [
    'Di mana kejadiannya? Sebutkan tempat dan kabupaten/kota, atau nama akun/grup bila terjadi di media sosial.',
    ...(f.place ? [`Jawaban sebelumnya: ${f.place}`] : []),
  ],
  choices: () => [],
  complete: (f) => f.place !== undefined,
  next: () => 'chronology',
  accept(input, f) {
    if (input.choiceId !== undefined) return stale();
    const r = validate(PlaceSchema, input.text);
    if (!r.ok) return { kind: 'invalid', message: r.message };
    return { kind: 'done', fields: { ...f, place: r.value } };
  },
};

function chronologyText(parts: readonly string[]): string {
  return parts.join('\n\n');
}

const nf = (n: number) => n.toLocaleString('id-ID');

/** Closes a sentence with a period unless it already ends in one ("M.Si."), or in ? or !. */
function endSentence(text: string): string {
  return /[.?!]$/.test(text) ? text : `${text}.`;
}

const chronology: ReportStep = {
  id: 'chronology',
  group: 6,
  title: 'Uraian kejadian',
  body(f) {
    const parts = f.chronologyParts ?? [];
    const lines = [
      `Ceritakan apa yang terjadi: apa yang dilakukan, siapa yang terlibat atau menyaksikan, dan bagaimana Anda mengetahuinya. Boleh dalam beberapa pesan (total ${nf(LIMITS.chronology.min)}–${nf(LIMITS.chronology.max)} karakter); ketik "selesai" bila sudah.`,
    ];
    if (parts.length > 0) {
      lines.push(`Sudah diterima ${parts.length} bagian, ${nf(chronologyText(parts).length)} karakter.`);
    } else if (f.prefillDescription && !f.chronology) {
      lines.push(`Anda tadi menulis: "${truncate(f.prefillDescription, 300)}"\nPilih "Pakai uraian tadi" atau tulis uraian baru.`);
    }
    if (f.chronology && parts.length === 0) lines.push(`Jawaban sebelumnya: ${truncate(f.chronology, 300)}`);
    return lines;
  },
  choices(f) {
    const parts = f.chronologyParts ?? [];
    const out: StepChoice[] = [];
    if (f.prefillDescription && parts.length === 0 && !f.chronology) out.push({ id: 'chronology:prefill', label: 'Pakai uraian tadi' });
    if (chronologyText(parts).length >= LIMITS.chronology.min) out.push({ id: 'chronology:done', label: 'Selesai' });
    return out;
  },
  complete: (f) => f.chronology !== undefined,
  next: () => 'evidence',
  enter: (f) => ({ ...f, chronologyParts: [] }),
  accept(input, f) {
    const parts = f.chronologyParts ?? [];
    const done = input.choiceId === 'chronology:done' || (input.choiceId === undefined && /^(selesai|sudah|cukup|done)$/.test(typedWord(input.text)));
    if (done) {
      if (parts.length === 0 && f.chronology) return { kind: 'done', fields: f };
      const r = validate(ChronologySchema, chronologyText(parts));
      if (!r.ok) return { kind: 'invalid', message: parts.length === 0 ? 'Uraian kejadian belum ada. Tulis apa yang terjadi.' : r.message };
      return { kind: 'done', fields: { ...f, chronology: r.value, chronologyParts: [] } };
    }
    let piece: string;
    if (input.choiceId === 'chronology:prefill') {
      if (!f.prefillDescription) return stale();
      piece = f.prefillDescription;
    } else if (input.choiceId !== undefined) {
      return stale();
    } else {
      piece = cleanText(input.text);
    }
    if (piece === '') return { kind: 'invalid', message: 'Bagian uraian itu kosong.' };
    const total = chronologyText([...parts, piece]).length;
    if (total > LIMITS.chronology.max) {
      return {
        kind: 'invalid',
        message: `Bagian ini tidak disimpan: uraian akan menjadi ${nf(total)} karakter, melebihi batas ${nf(LIMITS.chronology.max)}. Kirim bagian yang lebih singkat, atau ketik "selesai" bila yang sudah diterima cukup.`,
      };
    }
    const next = [...parts, piece];
    const enough = total >= LIMITS.chronology.min;
    return {
      kind: 'stay',
      fields: { ...f, chronologyParts: next },
      notice: `Bagian ${next.length} diterima (total ${nf(total)} dari maks. ${nf(LIMITS.chronology.max)} karakter). ${enough ? 'Kirim lanjutannya bila masih ada, atau ketik "selesai".' : `Uraian minimal ${LIMITS.chronology.min} karakter; tulis lebih lengkap.`}`,
    };
  },
};

const evidence: ReportStep = {
  id: 'evidence',
  group: 7,
  title: 'Bukti',
  body(f, ctx) {
    const count = f.evidence.length + f.links.length;
    if (count === 0) {
      return [
        `Kirim foto, dokumen, atau pesan suara sebagai bukti (maksimal ${formatBytes(ctx.maxEvidenceBytes)} per berkas, hingga ${LIMITS.maxFiles} berkas), atau tempel tautan (misalnya unggahan media sosial). Keterangan (caption) pada foto disimpan sebagai penjelasan bukti.`,
        'Jika tidak ada bukti, pilih "Lewati".',
      ];
    }
    return [`Sudah diterima: ${f.evidence.length} berkas, ${f.links.length} tautan. Kirim bukti lain, atau pilih "Selesai" untuk melanjutkan.`];
  },
  choices: (f) =>
    f.evidence.length + f.links.length > 0 ? [{ id: 'evidence:done', label: 'Selesai' }] : [{ id: 'evidence:skip', label: 'Lewati (tanpa bukti)' }],
  complete: (f) => f.evidenceDone === true,
  next: () => 'identity',
  accept(input, f) {
    const t = typedWord(input.text);
    const choiceId =
      input.choiceId ??
      (/^(selesai|sudah|cukup|lanjut|done)$/.test(t) ? 'evidence:done' : /^(lewati|skip|tidak ada|tidak ada bukti|tanpa bukti)$/.test(t) ? 'evidence:skip' : undefined);
    if (choiceId === 'evidence:done' || choiceId === 'evidence:skip') return { kind: 'done', fields: { ...f, evidenceDone: true } };
    if (choiceId !== undefined) return stale();
    const added = addLinks(f, input.text);
    if (added.kind === 'none') {
      return {
        kind: 'invalid',
        message: 'Pesan itu tidak berisi berkas atau tautan. Kirim foto/dokumen/pesan suara, tempel tautan (http/https), atau pilih "Selesai"/"Lewati".',
      };
    }
    if (added.kind === 'invalid') return { kind: 'invalid', message: added.message };
    return { kind: 'stay', fields: added.fields, notice: added.count > 0 ? `Tautan diterima (${added.count}).` : 'Tautan itu sudah tercatat sebelumnya.' };
  },
};

/** Adds the links in `text` to the evidence (also used for links in a photo caption). */
export function addLinks(
  f: DraftFields,
  text: string,
): { kind: 'none' } | { kind: 'invalid'; message: string } | { kind: 'added'; fields: DraftFields; count: number } {
  const links = extractLinks(text);
  if (links.length === 0) return { kind: 'none' };
  for (const link of links) {
    const r = validate(LinkSchema, link);
    if (!r.ok) return { kind: 'invalid', message: r.message };
  }
  const merged = [...new Set([...f.links, ...links])];
  if (merged.length > LIMITS.maxLinks) return { kind: 'invalid', message: `Maksimal ${LIMITS.maxLinks} tautan per laporan. Pilih "Selesai" untuk melanjutkan.` };
  return { kind: 'added', fields: { ...f, links: merged }, count: merged.length - f.links.length };
}

const identity: ReportStep = {
  id: 'identity',
  group: 8,
  title: 'Identitas pelapor (opsional)',
  body: (f, ctx) => [
    'Tulis nama, alamat, dan kontak (No. HP/e-mail) Anda, dipisah koma — atau pilih "Anonim".',
    'Perlu diketahui: Bawaslu mensyaratkan nama dan alamat pelapor untuk laporan resmi. Laporan anonim tetap dapat disampaikan melalui SP4N-LAPOR!',
    ctx.encrypted ? 'Identitas Anda disimpan terpisah dari isi laporan dan dienkripsi.' : 'Identitas Anda disimpan terpisah dari isi laporan.',
    ...(f.anonymous === true ? ['Jawaban sebelumnya: Anonim'] : []),
    ...(f.identity ? [`Jawaban sebelumnya:\n${formatIdentity(f.identity)}`] : []),
  ],
  choices: () => [{ id: 'identity:anon', label: 'Anonim' }],
  complete: (f) => f.anonymous !== undefined,
  next: (f) => (f.anonymous ? 'confirm' : 'consent'),
  accept(input, f) {
    const anon = input.choiceId === 'identity:anon' || (input.choiceId === undefined && /^(anonim|anonymous|tanpa nama|tanpa identitas|rahasiakan)$/.test(typedWord(input.text)));
    if (anon) {
      return {
        kind: 'done',
        fields: { ...f, anonymous: true, identity: undefined, consent: undefined },
        notice: 'Baik, laporan Anda dicatat sebagai anonim — pilihan ini kami terima. Ingat: untuk laporan resmi ke Bawaslu, nama dan alamat pelapor wajib dicantumkan.',
      };
    }
    if (input.choiceId !== undefined) return stale();
    const r = parseReporterIdentity(input.text);
    if (!r.ok) return { kind: 'invalid', message: r.message };
    const missing = [!r.value.name && 'nama', !r.value.address && 'alamat'].filter(Boolean);
    const notice =
      `Tercatat:\n${formatIdentity(r.value)}` +
      (missing.length > 0 ? `\nCatatan: ${missing.join(' dan ')} belum ada, padahal Bawaslu mensyaratkan nama dan alamat pelapor. Ketik /kembali bila ingin melengkapi.` : '');
    return { kind: 'done', fields: { ...f, anonymous: false, identity: r.value }, notice };
  },
};

const consent: ReportStep = {
  id: 'consent',
  group: 9,
  title: 'Persetujuan',
  body: (f) => [
    'Laporan Anda akan diteruskan kepada admin Netra agar dapat dibantu tindak lanjutnya (tanpa nomor atau ID chat Anda).',
    'Bolehkah identitas Anda (nama, alamat, kontak) ikut diteruskan kepada admin? Jika tidak, identitas Anda tidak disimpan dan hanya muncul di ringkasan untuk Anda sendiri.',
    ...(f.consent !== undefined ? [`Jawaban sebelumnya: ${f.consent ? 'ya' : 'tidak'}`] : []),
  ],
  choices: () => [
    { id: 'consent:yes', label: 'Ya, sertakan identitas saya' },
    { id: 'consent:no', label: 'Tidak, tanpa identitas' },
  ],
  complete: (f) => f.anonymous === true || f.consent !== undefined,
  next: () => 'confirm',
  accept(input, f) {
    const t = typedWord(input.text);
    const choiceId =
      input.choiceId ??
      (/^(ya|iya|boleh|setuju|ok|oke|y)$/.test(t) ? 'consent:yes' : /^(tidak|tdk|jangan|tidak boleh|tidak setuju|tidak usah|n)$/.test(t) ? 'consent:no' : undefined);
    if (input.choiceId !== undefined && !input.choiceId.startsWith('consent:')) return stale();
    if (choiceId !== 'consent:yes' && choiceId !== 'consent:no') {
      return { kind: 'invalid', message: 'Mohon pilih "Ya, sertakan identitas saya" atau "Tidak, tanpa identitas".' };
    }
    return { kind: 'done', fields: { ...f, consent: choiceId === 'consent:yes' } };
  },
};

/** The summary step: its choices are handled by the flow engine (send, edit, cancel). */
const confirm: ReportStep = {
  id: 'confirm',
  group: 0,
  title: 'Konfirmasi',
  body: () => [],
  choices: () => [
    { id: 'confirm:send', label: 'Kirim' },
    { id: 'confirm:edit', label: 'Ubah' },
    { id: 'confirm:cancel', label: 'Batal' },
  ],
  complete: () => false,
  next: () => 'confirm',
  accept: () => ({ kind: 'invalid', message: 'Mohon pilih "Kirim", "Ubah", atau "Batal".' }),
};

export const STEPS: Readonly<Record<StepId, ReportStep>> = {
  kind,
  kindOther,
  election,
  reportedName,
  reportedPosition,
  reportedAgency,
  reportedId,
  date,
  known,
  place,
  chronology,
  evidence,
  identity,
  consent,
  confirm,
};

/** What "Ubah" offers: one entry per group, pointing at its first step. */
export const EDITABLE: readonly { step: StepId; label: string }[] = [
  { step: 'kind', label: 'Jenis' },
  { step: 'election', label: 'Pemilu/Pilkada' },
  { step: 'reportedName', label: 'Terlapor' },
  { step: 'date', label: 'Tanggal' },
  { step: 'place', label: 'Tempat' },
  { step: 'chronology', label: 'Uraian' },
  { step: 'evidence', label: 'Bukti' },
  { step: 'identity', label: 'Identitas' },
  { step: 'consent', label: 'Persetujuan' },
];

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
