import type { IsoDate } from '../knowledge/calendar-date.js';
import { computeDeadline, describeDeadline, type ReportDeadline } from './report-deadline.js';
import type { ElectionType, ReportedParty, ReporterIdentity } from './report-model.js';

export type RouteId = 'bawaslu' | 'bkn_sbt' | 'sp4n_lapor';

/** One official channel a report can go to, with why it fits and what is still missing for it. */
export interface RouteOption {
  id: RouteId;
  name: string;
  /** Where and how to file. */
  how: string;
  reasons: string[];
  /** What that channel requires that the report does not have yet. */
  missing: string[];
}

export interface RouteDecision {
  primary: RouteId;
  /** Primary first, then alternatives. */
  options: RouteOption[];
  deadline?: ReportDeadline;
  /** Points that hold whatever the route (who sanctions, what Netra is and is not). */
  notes: string[];
}

export interface RoutingInput {
  election: ElectionType;
  incidentDate: IsoDate;
  reported: ReportedParty;
  /** Undefined when the reporter chose to stay anonymous. */
  identity?: ReporterIdentity;
  today: IsoDate;
}

const BAWASLU_NAME = 'Bawaslu';
const BAWASLU_HOW =
  'Melalui SIGAPLAPOR, aplikasi Gowaslu, atau datang ke kantor Bawaslu kabupaten/kota setempat.';
const BAWASLU_BASIS = 'UU 7/2017 Pasal 454 ayat (4) untuk Pemilu; UU 8/2015 Pasal 134 ayat (3) untuk Pilkada';
const BKN_NAME = 'BKN — Sistem Berbagi Terintegrasi (SBT)';
const BKN_HOW =
  'Buka https://sbt.bkn.go.id → "Pelaporan Publik" → "Netralitas". Status dapat dicek lewat "Cek Status Laporan" dengan nomor laporan.';
const LAPOR_NAME = 'SP4N-LAPOR!';
const LAPOR_HOW =
  'Buka https://www.lapor.go.id dan pilih kategori Netralitas ASN. Tersedia pilihan laporan anonim dan rahasia; laporan diteruskan ke instansi yang berwenang.';

/**
 * Decides where a report should go. The tree, from SOURCES.md §9:
 * 1. Election-related (Pemilu/Pilkada, or unsure) and still within the 7-day limit, with the
 *    reporter's name and address → Bawaslu first: it examines whether the act breaks election law
 *    and recommends; its formal requirements are name and address of the reporter, the person
 *    reported, time and place, and what happened.
 * 2. Anonymous (or without name/address) → SP4N-LAPOR!, which accepts anonymous/confidential
 *    reports; Bawaslu stays an option if the reporter is willing to identify themselves.
 * 3. Deadline past, or not election-related → the ASN-discipline route: BKN's SBT when the NIP/NIK
 *    of the reported ASN is known (SBT needs it), otherwise SP4N-LAPOR!.
 * The ASN's own agency (PPK, inspektorat) imposes any sanction in every case.
 */
export function decideRoute(input: RoutingInput): RouteDecision {
  const deadline = computeDeadline(input.election, input.incidentDate, input.today);
  const electionRelated = input.election !== 'bukan_pemilihan';
  const hasNameAndAddress = Boolean(input.identity?.name && input.identity?.address);
  const hasIdNumber = Boolean(input.reported.idNumber);
  const anonymous = input.identity === undefined;

  const bawaslu: RouteOption = {
    id: 'bawaslu',
    name: BAWASLU_NAME,
    how: BAWASLU_HOW,
    reasons: [],
    missing: [],
  };
  if (!input.identity?.name) bawaslu.missing.push('nama pelapor');
  if (!input.identity?.address) bawaslu.missing.push('alamat pelapor');

  const bkn: RouteOption = {
    id: 'bkn_sbt',
    name: BKN_NAME,
    how: BKN_HOW,
    reasons: ['BKN mengawasi netralitas ASN dan meneruskan hasilnya kepada Pejabat Pembina Kepegawaian (PPK).'],
    missing: hasIdNumber ? [] : ['NIP/NIK ASN yang dilaporkan'],
  };
  if (hasIdNumber) bkn.reasons.push('NIP/NIK ASN yang dilaporkan sudah ada, syarat pelaporan di SBT terpenuhi.');

  const lapor: RouteOption = {
    id: 'sp4n_lapor',
    name: LAPOR_NAME,
    how: LAPOR_HOW,
    reasons: [],
    missing: [],
  };
  if (!hasIdNumber) lapor.reasons.push('NIP/NIK ASN yang dilaporkan belum diketahui; SBT BKN memerlukannya, sedangkan SP4N-LAPOR! tidak.');
  if (anonymous) lapor.reasons.push('Anda memilih anonim; SP4N-LAPOR! menyediakan pilihan laporan anonim dan rahasia.');

  const asnRoute = hasIdNumber ? bkn : lapor;
  const options: RouteOption[] = [];

  if (electionRelated && deadline && deadline.state !== 'past') {
    bawaslu.reasons.push(
      input.election === 'tidak_yakin'
        ? 'Kejadian mungkin terkait Pemilu/Pilkada; Bawaslu yang menilai apakah ini pelanggaran dan memberi rekomendasi.'
        : `Kejadian terkait ${input.election === 'pemilu' ? 'Pemilu' : 'Pilkada'}; Bawaslu yang menilai apakah ini pelanggaran dan memberi rekomendasi.`,
      `Syarat laporan: nama dan alamat pelapor, pihak terlapor, waktu dan tempat kejadian, serta uraian kejadian (${BAWASLU_BASIS}).`,
    );
    if (hasNameAndAddress) {
      bawaslu.reasons.push('Nama dan alamat Anda sudah ada, sehingga syarat formal terpenuhi.');
      options.push(bawaslu, asnRoute);
    } else {
      bawaslu.reasons.push('Bawaslu mensyaratkan nama dan alamat pelapor; laporan anonim tidak dapat diproses sebagai laporan resmi.');
      if (!anonymous) lapor.reasons.push('Nama dan alamat Anda belum lengkap untuk syarat formal Bawaslu.');
      options.push(lapor, bawaslu);
      if (hasIdNumber) options.push(bkn);
    }
  } else {
    if (electionRelated && deadline?.state === 'past') {
      bawaslu.reasons.push(
        'Batas waktu lapor ke Bawaslu (dihitung dari tanggal kejadian) tampaknya sudah lewat, sehingga laporan dapat tidak memenuhi syarat formal.',
        'Jika Anda baru mengetahui kejadiannya belakangan, Bawaslu tetap dapat dicoba: batas dihitung sejak diketahui.',
      );
      asnRoute.reasons.unshift('Pelanggaran netralitas ASN tetap dapat dilaporkan sebagai pelanggaran disiplin/kode etik ASN walaupun batas waktu Bawaslu lewat.');
    } else {
      asnRoute.reasons.unshift('Kejadian tidak terkait tahapan Pemilu/Pilkada, sehingga ditangani sebagai pelanggaran netralitas/disiplin ASN, bukan oleh Bawaslu.');
    }
    options.push(asnRoute);
    if (asnRoute === bkn) {
      if (anonymous) options.push(lapor);
    } else if (hasIdNumber) {
      options.push(bkn);
    }
    if (electionRelated) options.push(bawaslu);
  }

  return {
    primary: options[0]!.id,
    options,
    deadline,
    notes: [
      'Sanksi terhadap ASN dijatuhkan oleh instansinya sendiri: Pejabat Pembina Kepegawaian (PPK), dengan pemeriksaan oleh atasan langsung atau inspektorat.',
      'Netra membantu menyiapkan laporan, tetapi tidak menggantikan kanal resmi. Laporan baru diproses secara resmi setelah disampaikan melalui kanal di atas.',
    ],
  };
}

/** The routing decision as a chat message. */
export function describeRoute(decision: RouteDecision): string {
  const [primary, ...others] = decision.options;
  const lines: string[] = ['📍 Ke mana laporan ini sebaiknya disampaikan', ''];
  if (primary) lines.push(...describeOption(primary, 'Disarankan'));
  for (const o of others) lines.push('', ...describeOption(o, 'Alternatif'));
  if (decision.deadline) lines.push('', '⏳ ' + describeDeadline(decision.deadline));
  lines.push('', ...decision.notes.map((n) => `ℹ️ ${n}`));
  return lines.join('\n');
}

function describeOption(o: RouteOption, tag: string): string[] {
  const lines = [`${tag}: ${o.name}`, `Cara: ${o.how}`];
  for (const r of o.reasons) lines.push(`• ${r}`);
  if (o.missing.length > 0) lines.push(`• Masih diperlukan: ${o.missing.join(', ')}.`);
  return lines;
}
