import type { Choice, OutgoingMessage } from '../conversation/messages.js';
import { formatLongDate, type IsoDate } from '../knowledge/calendar-date.js';
import { DATE_FORMAT_HINT, parseIncidentDate } from './incident-date.js';
import { computeDeadline, describeDeadline } from './report-deadline.js';
import {
  ChronologySchema,
  extractLinks,
  KindLabelSchema,
  LIMITS,
  LinkSchema,
  parseReportedParty,
  parseReporterIdentity,
  PlaceSchema,
  validate,
} from './report-fields.js';
import { ELECTION_LABELS, ELECTION_TYPES, type DraftFields, type ElectionType, type EvidenceFile } from './report-model.js';
import { formatBytes } from './evidence-store.js';
import { formatDraftSummary, formatIdentity, formatParty } from './report-summary.js';

/**
 * The reporting conversation as a pure state machine: given the saved state and one message it
 * says what the next state is and what to ask. It does no I/O, so the service can persist the
 * state after every step and a restart resumes exactly where the reporter was.
 */
export const STEPS = [
  'kind',
  'kindOther',
  'election',
  'reported',
  'date',
  'place',
  'chronology',
  'evidence',
  'identity',
  'consent',
  'confirm',
] as const;
export type Step = (typeof STEPS)[number];

/** Steps a reporter can jump to from the summary with "Ubah". */
export const EDITABLE_STEPS = ['kind', 'election', 'reported', 'date', 'place', 'chronology', 'evidence', 'identity', 'consent'] as const;

/** The persisted state of one unfinished report. */
export interface DraftState {
  step: Step;
  /** Steps visited, for `/kembali`; the current step is not in it. */
  history: Step[];
  /** True while changing one answer from the summary: the flow returns to the summary afterwards. */
  editing: boolean;
  fields: DraftFields;
}

export interface FlowContext {
  kinds: readonly { id: string; label: string }[];
  today: IsoDate;
  /** Whether identities are encrypted at rest (said honestly in the identity prompt). */
  encrypted: boolean;
  maxEvidenceBytes: number;
}

/** What the user sent, reduced to what the flow reads (attachments are stored by the service first). */
export interface FlowInput {
  text: string;
  choiceId?: string;
}

export type FlowOutcome =
  /** Moved on (or stayed, e.g. after a link); show `notice` (if any) and the prompt of `state`. */
  | { type: 'next'; state: DraftState; notice?: string }
  /** Not accepted; show `message` and ask the same step again. Nothing was changed. */
  | { type: 'invalid'; message: string }
  /** Show this message; the state does not change (the "Ubah" menu). */
  | { type: 'menu'; message: OutgoingMessage }
  | { type: 'submit' }
  | { type: 'cancel' };

/** Appended to every prompt so the two escape hatches are never a secret. */
export const HINT = '(/kembali untuk kembali, /batal untuk membatalkan)';
export const OTHER_KIND_ID = 'lainnya';
export const OTHER_KIND_LABEL = 'Lainnya (tulis sendiri)';

const STEP_NUMBER: Partial<Record<Step, number>> = {
  kind: 1,
  kindOther: 1,
  election: 2,
  reported: 3,
  date: 4,
  place: 5,
  chronology: 6,
  evidence: 7,
  identity: 8,
  consent: 9,
};
const STEP_TITLE: Record<Step, string> = {
  kind: 'Jenis dugaan pelanggaran',
  kindOther: 'Jenis dugaan pelanggaran',
  election: 'Pemilu atau Pilkada',
  reported: 'Siapa yang dilaporkan',
  date: 'Tanggal kejadian',
  place: 'Tempat kejadian',
  chronology: 'Uraian kejadian',
  evidence: 'Bukti',
  identity: 'Identitas pelapor (opsional)',
  consent: 'Persetujuan',
  confirm: 'Konfirmasi',
};
const EDIT_LABELS: Record<(typeof EDITABLE_STEPS)[number], string> = {
  kind: 'Jenis',
  election: 'Pemilu/Pilkada',
  reported: 'Terlapor',
  date: 'Tanggal',
  place: 'Tempat',
  chronology: 'Uraian',
  evidence: 'Bukti',
  identity: 'Identitas',
  consent: 'Persetujuan',
};

const KEEP: Choice = { id: 'keep', label: 'Tetap gunakan jawaban sebelumnya' };

/** A fresh draft at the first step. `description` is what the user wrote before starting. */
export function newDraft(prefill?: { description?: string }): DraftState {
  const description = prefill?.description?.trim();
  return {
    step: 'kind',
    history: [],
    editing: false,
    fields: {
      evidence: [],
      links: [],
      prefillDescription: description ? description.slice(0, LIMITS.chronology.max) : undefined,
    },
  };
}

/** Whether `step` already holds an answer. */
export function isComplete(step: Step, f: DraftFields): boolean {
  switch (step) {
    case 'kind':
      return Boolean(f.kindId && f.kindLabel);
    case 'kindOther':
      return f.kindId !== OTHER_KIND_ID || Boolean(f.kindLabel);
    case 'election':
      return f.election !== undefined;
    case 'reported':
      return f.reported !== undefined;
    case 'date':
      return f.incidentDate !== undefined;
    case 'place':
      return f.place !== undefined;
    case 'chronology':
      return f.chronology !== undefined;
    case 'evidence':
      return f.evidenceDone === true;
    case 'identity':
      return f.anonymous !== undefined;
    case 'consent':
      return f.anonymous === true || f.consent !== undefined;
    case 'confirm':
      return false;
  }
}

/** The first step still unanswered (used to refuse an incomplete submission), or undefined. */
export function firstIncompleteStep(f: DraftFields): Step | undefined {
  return STEPS.find((s) => s !== 'confirm' && !isComplete(s, f));
}

function naturalNext(step: Step, f: DraftFields): Step {
  switch (step) {
    case 'kind':
      return f.kindLabel ? 'election' : 'kindOther';
    case 'kindOther':
      return 'election';
    case 'election':
      return 'reported';
    case 'reported':
      return 'date';
    case 'date':
      return 'place';
    case 'place':
      return 'chronology';
    case 'chronology':
      return 'evidence';
    case 'evidence':
      return 'identity';
    case 'identity':
      return f.anonymous ? 'confirm' : 'consent';
    case 'consent':
    case 'confirm':
      return 'confirm';
  }
}

function moveTo(state: DraftState, next: Step, editing = state.editing): DraftState {
  let history = [...state.history, state.step];
  // Returning to a step already on the path cuts the loop, so repeated edits never grow the stack.
  const seen = history.indexOf(next);
  if (seen >= 0) history = history.slice(0, seen);
  return { ...state, step: next, history, editing: next === 'confirm' ? false : editing };
}

function advance(state: DraftState, fields: DraftFields): DraftState {
  let next = naturalNext(state.step, fields);
  // While editing from the summary, go straight back once the follow-up steps are already answered.
  if (state.editing && next !== 'confirm' && isComplete(next, fields)) next = 'confirm';
  return moveTo({ ...state, fields }, next);
}

/** One step back (`/kembali`), keeping every answer; undefined at the first step. */
export function goBack(state: DraftState): DraftState | undefined {
  const previous = state.history.at(-1);
  if (previous === undefined) return undefined;
  return {
    ...state,
    step: previous,
    history: state.history.slice(0, -1),
    editing: previous === 'confirm' ? false : state.editing,
  };
}

/** Whether another evidence file fits (the per-report file limit). */
export function canAddFile(state: DraftState): boolean {
  return state.fields.evidence.length < LIMITS.maxFiles;
}

/** Records an evidence file the service has already stored. */
export function addEvidenceFile(state: DraftState, file: EvidenceFile): DraftState {
  return { ...state, fields: { ...state.fields, evidence: [...state.fields.evidence, file] } };
}

/** Applies one message to the current step. */
export function applyInput(state: DraftState, input: FlowInput, ctx: FlowContext): FlowOutcome {
  const text = input.text.trim();
  const choiceId = input.choiceId ?? choiceFromText(state, text, ctx);
  const f = state.fields;

  if (choiceId === KEEP.id && state.step !== 'confirm') {
    if (!isComplete(state.step, f)) return { type: 'invalid', message: 'Belum ada jawaban sebelumnya untuk langkah ini.' };
    return { type: 'next', state: advance(state, f) };
  }

  switch (state.step) {
    case 'kind': {
      if (choiceId !== undefined) {
        if (!choiceId.startsWith('kind:')) return staleChoice();
        const id = choiceId.slice('kind:'.length);
        if (id === OTHER_KIND_ID) return { type: 'next', state: advance(state, { ...f, kindId: OTHER_KIND_ID, kindLabel: undefined }) };
        const kind = ctx.kinds.find((k) => k.id === id);
        if (!kind) return staleChoice();
        return { type: 'next', state: advance(state, { ...f, kindId: kind.id, kindLabel: kind.label }) };
      }
      return applyCustomKind(state, text);
    }
    case 'kindOther': {
      if (choiceId !== undefined) return staleChoice();
      return applyCustomKind(state, text);
    }
    case 'election': {
      const election = choiceId?.startsWith('election:')
        ? (choiceId.slice('election:'.length) as ElectionType)
        : choiceId === undefined
          ? electionFromText(text)
          : undefined;
      if (!election || !ELECTION_TYPES.includes(election)) {
        return { type: 'invalid', message: 'Mohon pilih salah satu: Pemilu, Pilkada, Tidak yakin, atau Tidak terkait Pemilu/Pilkada.' };
      }
      return { type: 'next', state: advance(state, { ...f, election }) };
    }
    case 'reported': {
      if (choiceId !== undefined) return staleChoice();
      const r = parseReportedParty(text);
      if (!r.ok) return { type: 'invalid', message: r.message };
      const p = r.value;
      const notice = [
        `Tercatat — Nama: ${p.name ?? '-'} · Jabatan: ${p.position ?? '-'} · Instansi: ${p.agency ?? '-'}${p.idNumber ? ` · NIP/NIK: ${p.idNumber}` : ''}.`,
        'Jika ada yang keliru, ketik /kembali.',
      ].join('\n');
      return { type: 'next', state: advance(state, { ...f, reported: p }), notice };
    }
    case 'date': {
      if (choiceId !== undefined) return staleChoice();
      const r = parseIncidentDate(text, ctx.today);
      if (!r.ok) return { type: 'invalid', message: r.message };
      const fields = { ...f, incidentDate: r.date };
      const deadline = f.election ? computeDeadline(f.election, r.date, ctx.today) : undefined;
      const warn = deadline && deadline.state !== 'ok' ? `\n${describeDeadline(deadline)}` : '';
      return { type: 'next', state: advance(state, fields), notice: `Tercatat: ${formatLongDate(r.date)}.${warn}` };
    }
    case 'place': {
      if (choiceId !== undefined) return staleChoice();
      const r = validate(PlaceSchema, text);
      if (!r.ok) return { type: 'invalid', message: r.message };
      return { type: 'next', state: advance(state, { ...f, place: r.value }) };
    }
    case 'chronology': {
      let value = text;
      if (choiceId === 'chronology:prefill') {
        if (!f.prefillDescription) return staleChoice();
        value = f.prefillDescription;
      } else if (choiceId !== undefined) {
        return staleChoice();
      }
      const r = validate(ChronologySchema, value);
      if (!r.ok) return { type: 'invalid', message: r.message };
      return { type: 'next', state: advance(state, { ...f, chronology: r.value }) };
    }
    case 'evidence':
      return applyEvidenceText(state, text, choiceId);
    case 'identity': {
      if (choiceId === 'identity:anon') {
        return {
          type: 'next',
          state: advance(state, { ...f, anonymous: true, identity: undefined, consent: undefined }),
          notice:
            'Baik, laporan Anda dicatat sebagai anonim — pilihan ini kami terima. Ingat: untuk laporan resmi ke Bawaslu, nama dan alamat pelapor wajib dicantumkan.',
        };
      }
      if (choiceId !== undefined) return staleChoice();
      const r = parseReporterIdentity(text);
      if (!r.ok) return { type: 'invalid', message: r.message };
      const missing = [!r.value.name && 'nama', !r.value.address && 'alamat'].filter(Boolean);
      const notice =
        `Tercatat:\n${formatIdentity(r.value)}` +
        (missing.length > 0
          ? `\nCatatan: ${missing.join(' dan ')} belum ada, padahal Bawaslu mensyaratkan nama dan alamat pelapor. Ketik /kembali bila ingin melengkapi.`
          : '');
      return { type: 'next', state: advance(state, { ...f, anonymous: false, identity: r.value }), notice };
    }
    case 'consent': {
      if (choiceId !== 'consent:yes' && choiceId !== 'consent:no') {
        return { type: 'invalid', message: 'Mohon pilih "Ya, sertakan identitas saya" atau "Tidak, tanpa identitas".' };
      }
      return { type: 'next', state: advance(state, { ...f, consent: choiceId === 'consent:yes' }) };
    }
    case 'confirm': {
      if (choiceId === 'confirm:send') return { type: 'submit' };
      if (choiceId === 'confirm:cancel') return { type: 'cancel' };
      if (choiceId === 'confirm:edit') return { type: 'menu', message: editMenu(f) };
      if (choiceId?.startsWith('edit:')) {
        const target = choiceId.slice('edit:'.length) as Step;
        if (!(EDITABLE_STEPS as readonly string[]).includes(target)) return staleChoice();
        if (target === 'consent' && f.anonymous) return { type: 'invalid', message: 'Anda memilih anonim, jadi tidak ada identitas yang perlu disetujui. Pilih "Identitas" untuk mengubahnya.' };
        return { type: 'next', state: moveTo(state, target, true) };
      }
      return { type: 'invalid', message: 'Mohon pilih "Kirim", "Ubah", atau "Batal".' };
    }
  }
}

function applyCustomKind(state: DraftState, text: string): FlowOutcome {
  const r = validate(KindLabelSchema, text);
  if (!r.ok) return { type: 'invalid', message: r.message };
  return { type: 'next', state: advance(state, { ...state.fields, kindId: OTHER_KIND_ID, kindLabel: r.value }) };
}

function applyEvidenceText(state: DraftState, text: string, choiceId: string | undefined): FlowOutcome {
  const f = state.fields;
  if (choiceId === 'evidence:done' || choiceId === 'evidence:skip') {
    return { type: 'next', state: advance(state, { ...f, evidenceDone: true }) };
  }
  if (choiceId !== undefined) return staleChoice();
  const links = extractLinks(text);
  if (links.length === 0) {
    return {
      type: 'invalid',
      message: 'Pesan itu tidak berisi berkas atau tautan. Kirim foto/dokumen/pesan suara, tempel tautan (http/https), atau pilih "Selesai"/"Lewati".',
    };
  }
  for (const link of links) {
    const r = validate(LinkSchema, link);
    if (!r.ok) return { type: 'invalid', message: r.message };
  }
  const merged = [...new Set([...f.links, ...links])];
  if (merged.length > LIMITS.maxLinks) {
    return { type: 'invalid', message: `Maksimal ${LIMITS.maxLinks} tautan per laporan. Pilih "Selesai" untuk melanjutkan.` };
  }
  const added = merged.length - f.links.length;
  return {
    type: 'next',
    state: { ...state, fields: { ...f, links: merged } },
    notice: added > 0 ? `Tautan diterima (${added}).` : 'Tautan itu sudah tercatat sebelumnya.',
  };
}

function staleChoice(): FlowOutcome {
  return { type: 'invalid', message: 'Pilihan itu tidak berlaku untuk langkah ini.' };
}

/**
 * Plain-text equivalents of buttons, for chats that type instead of tap ("kirim", "anonim",
 * "selesai") and for numbered replies an adapter did not map.
 */
function choiceFromText(state: DraftState, text: string, ctx: FlowContext): string | undefined {
  const t = text.toLowerCase().replace(/[.!]+$/, '').trim();
  if (t === '') return undefined;
  const choices = promptChoices(state, ctx);
  if (/^\d{1,2}$/.test(t) && state.step !== 'date' && state.step !== 'reported') {
    const choice = choices[Number(t) - 1];
    if (choice) return choice.id;
  }
  const byLabel = choices.find((c) => c.label.toLowerCase() === t);
  if (byLabel) return byLabel.id;
  switch (state.step) {
    case 'kind':
      if (t === 'lainnya') return `kind:${OTHER_KIND_ID}`;
    {
      const kind = ctx.kinds.find((k) => k.id.toLowerCase() === t);
      return kind ? `kind:${kind.id}` : undefined;
    }
    case 'evidence':
      if (/^(selesai|sudah|cukup|lanjut|done)$/.test(t)) return 'evidence:done';
      if (/^(lewati|skip|tidak ada|tidak ada bukti|tanpa bukti)$/.test(t)) return 'evidence:skip';
      return undefined;
    case 'identity':
      return /^(anonim|anonymous|tanpa nama|tanpa identitas|rahasiakan)$/.test(t) ? 'identity:anon' : undefined;
    case 'consent':
      if (/^(ya|iya|boleh|setuju|ok|oke|y)$/.test(t)) return 'consent:yes';
      if (/^(tidak|tdk|jangan|tidak boleh|tidak setuju|tidak usah|n)$/.test(t)) return 'consent:no';
      return undefined;
    case 'confirm':
      if (/^(kirim|ya|kirimkan|setuju)$/.test(t)) return 'confirm:send';
      if (/^(ubah|edit|perbaiki)$/.test(t)) return 'confirm:edit';
      return undefined;
    default:
      return undefined;
  }
}

function electionFromText(text: string): ElectionType | undefined {
  const t = text.toLowerCase();
  if (/\b(bukan|tidak terkait|tak terkait|di luar)\b/.test(t)) return 'bukan_pemilihan';
  if (/\b(tidak (yakin|tahu|tau)|ragu|entah|kurang tahu)\b/.test(t)) return 'tidak_yakin';
  if (/\b(pilkada|pemilihan kepala daerah|bupati|gubernur|wali ?kota|cagub|cabup|cawalkot|paslon)\b/.test(t)) return 'pilkada';
  if (/\b(pemilu|pileg|pilpres|capres|cawapres|caleg|presiden|dpr|dprd|dpd|partai)\b/.test(t)) return 'pemilu';
  return undefined;
}

function editMenu(f: DraftFields): OutgoingMessage {
  const choices = EDITABLE_STEPS.filter((s) => !(s === 'consent' && f.anonymous)).map((s) => ({
    id: `edit:${s}`,
    label: EDIT_LABELS[s],
  }));
  return { kind: 'text', text: `Bagian mana yang ingin Anda ubah? Setelah diubah, ringkasan akan ditampilkan lagi.\n${HINT}`, choices };
}

function promptChoices(state: DraftState, ctx: FlowContext): Choice[] {
  const f = state.fields;
  const keep = isComplete(state.step, f) ? [KEEP] : [];
  switch (state.step) {
    case 'kind': {
      const kinds = ctx.kinds.filter((k) => k.id !== OTHER_KIND_ID).map((k) => ({ id: `kind:${k.id}`, label: k.label }));
      return [...kinds, { id: `kind:${OTHER_KIND_ID}`, label: OTHER_KIND_LABEL }, ...keep];
    }
    case 'election':
      return [...ELECTION_TYPES.map((e) => ({ id: `election:${e}`, label: ELECTION_LABELS[e] })), ...keep];
    case 'chronology':
      return [...(f.prefillDescription ? [{ id: 'chronology:prefill', label: 'Pakai uraian tadi' }] : []), ...keep];
    case 'evidence':
      return f.evidence.length + f.links.length > 0
        ? [{ id: 'evidence:done', label: 'Selesai' }]
        : [{ id: 'evidence:skip', label: 'Lewati (tanpa bukti)' }];
    case 'identity':
      return [{ id: 'identity:anon', label: 'Anonim' }, ...keep];
    case 'consent':
      return [
        { id: 'consent:yes', label: 'Ya, sertakan identitas saya' },
        { id: 'consent:no', label: 'Tidak, tanpa identitas' },
        ...keep,
      ];
    case 'confirm':
      return [
        { id: 'confirm:send', label: 'Kirim' },
        { id: 'confirm:edit', label: 'Ubah' },
        { id: 'confirm:cancel', label: 'Batal' },
      ];
    default:
      return keep;
  }
}

/** The question for the current step, with its choices and the /kembali–/batal hint. */
export function prompt(state: DraftState, ctx: FlowContext): OutgoingMessage {
  const f = state.fields;
  const n = STEP_NUMBER[state.step];
  const title = n ? `Langkah ${n} dari 9 · ${STEP_TITLE[state.step]}` : STEP_TITLE[state.step];
  const body: string[] = [];
  switch (state.step) {
    case 'kind':
      body.push('Apa jenis dugaan pelanggaran netralitas yang ingin Anda laporkan? Pilih salah satu, atau tulis sendiri secara singkat.');
      if (f.kindLabel) body.push(`Jawaban sebelumnya: ${f.kindLabel}`);
      break;
    case 'kindOther':
      body.push(
        `Tulis jenis dugaan pelanggarannya secara singkat (${LIMITS.kindLabel.min}–${LIMITS.kindLabel.max} karakter), misalnya "ASN memasang spanduk calon di kantor".`,
      );
      break;
    case 'election':
      body.push('Kejadian ini terkait pemilihan yang mana? Ini menentukan batas waktu lapor ke Bawaslu.');
      if (f.election) body.push(`Jawaban sebelumnya: ${ELECTION_LABELS[f.election]}`);
      break;
    case 'reported':
      body.push(
        'Tulis nama, jabatan, dan instansi ASN yang dilaporkan, dipisah koma. Boleh sebagian saja jika tidak tahu semuanya.',
        'Contoh: Budi Santoso, Kepala Seksi Umum, Dinas Pendidikan Kabupaten Contoh',
        'Jika Anda tahu NIP (18 angka) atau NIK (16 angka)-nya, tulis juga: BKN memerlukannya untuk laporan melalui SBT.',
      );
      if (f.reported) body.push(`Jawaban sebelumnya: ${formatParty(f.reported)}`);
      break;
    case 'date':
      body.push(`Kapan kejadiannya? ${DATE_FORMAT_HINT}`);
      if (f.incidentDate) body.push(`Jawaban sebelumnya: ${formatLongDate(f.incidentDate)}`);
      break;
    case 'place':
      body.push(
        'Di mana kejadiannya? Sebutkan tempat dan kabupaten/kota, atau nama akun/grup bila terjadi di media sosial.',
      );
      if (f.place) body.push(`Jawaban sebelumnya: ${f.place}`);
      break;
    case 'chronology':
      body.push(
        `Ceritakan apa yang terjadi: apa yang dilakukan, siapa yang terlibat atau menyaksikan, dan bagaimana Anda mengetahuinya (${LIMITS.chronology.min}–${LIMITS.chronology.max.toLocaleString('id-ID')} karakter).`,
      );
      if (f.prefillDescription && !f.chronology) {
        body.push(`Anda tadi menulis: "${truncate(f.prefillDescription, 300)}"\nPilih "Pakai uraian tadi" atau tulis uraian baru.`);
      }
      if (f.chronology) body.push(`Jawaban sebelumnya: ${truncate(f.chronology, 300)}`);
      break;
    case 'evidence': {
      const count = f.evidence.length + f.links.length;
      if (count === 0) {
        body.push(
          `Kirim foto, dokumen, atau pesan suara sebagai bukti (maksimal ${formatBytes(ctx.maxEvidenceBytes)} per berkas, hingga ${LIMITS.maxFiles} berkas), atau tempel tautan (misalnya unggahan media sosial). Boleh beberapa kali.`,
          'Jika tidak ada bukti, pilih "Lewati".',
        );
      } else {
        body.push(
          `Sudah diterima: ${f.evidence.length} berkas, ${f.links.length} tautan. Kirim bukti lain, atau pilih "Selesai" untuk melanjutkan.`,
        );
      }
      break;
    }
    case 'identity':
      body.push(
        'Tulis nama, alamat, dan kontak (No. HP/e-mail) Anda, dipisah koma — atau pilih "Anonim".',
        'Perlu diketahui: Bawaslu mensyaratkan nama dan alamat pelapor untuk laporan resmi. Laporan anonim tetap dapat disampaikan melalui SP4N-LAPOR!',
        ctx.encrypted
          ? 'Identitas Anda disimpan terpisah dari isi laporan dan dienkripsi.'
          : 'Identitas Anda disimpan terpisah dari isi laporan.',
      );
      if (f.anonymous === true) body.push('Jawaban sebelumnya: Anonim');
      if (f.identity) body.push(`Jawaban sebelumnya:\n${formatIdentity(f.identity)}`);
      break;
    case 'consent':
      body.push(
        'Laporan Anda akan diteruskan kepada admin Netra agar dapat dibantu tindak lanjutnya (tanpa nomor atau ID chat Anda).',
        'Bolehkah identitas Anda (nama, alamat, kontak) ikut diteruskan kepada admin? Jika tidak, identitas Anda tidak disimpan dan hanya muncul di ringkasan untuk Anda sendiri.',
      );
      if (f.consent !== undefined) body.push(`Jawaban sebelumnya: ${f.consent ? 'ya' : 'tidak'}`);
      break;
    case 'confirm': {
      body.push(formatDraftSummary(f));
      const deadline = f.election && f.incidentDate ? computeDeadline(f.election, f.incidentDate, ctx.today) : undefined;
      if (deadline) body.push('', `⏳ ${describeDeadline(deadline)}`);
      body.push('', 'Periksa kembali. Kirim laporan ini?');
      break;
    }
  }
  return { kind: 'text', text: [title, ...body, HINT].join('\n'), choices: promptChoices(state, ctx) };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
