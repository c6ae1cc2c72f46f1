import { formatLongDate, type IsoDate } from '../knowledge/calendar-date.js';
import type { ElectionContext } from './election-context.js';
import { computeDeadline, describeDeadline, type ReportDeadline } from './report-deadline.js';
import type { RouteId } from './report-labels.js';
import type { ElectionType, ReportedParty, ReporterIdentity } from './report-model.js';

export type { RouteId } from './report-labels.js';

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

/** Which rule of {@link decideRoute} chose the route. */
export type RoutingRuleId = 'tahapan_berjalan' | 'batas_bawaslu_lewat' | 'di_luar_tahapan' | 'bukan_pemilihan';

export interface RouteDecision {
  primary: RouteId;
  /** Primary first, then alternatives. */
  options: RouteOption[];
  /** The rule that decided, with the sentence shown to the reporter. */
  rule: { id: RoutingRuleId; explanation: string };
  deadline?: ReportDeadline;
  /** Points that hold whatever the route (who sanctions, Sentra Gakkumdu, what Netra is not). */
  notes: string[];
}

export interface RoutingInput {
  election: ElectionType;
  /** The violation kind chosen in the flow (a case-card topic, or `lainnya`). */
  kindId: string;
  incidentDate: IsoDate;
  /** When the reporter learned of it; the Bawaslu deadline counts from here. */
  knownDate?: IsoDate;
  reported: ReportedParty;
  /** Undefined when the reporter chose to stay anonymous. */
  identity?: ReporterIdentity;
  today: IsoDate;
  /** The election calendar on the incident date (see `electionContextOn`). */
  stage: ElectionContext;
}

/**
 * Kinds that can also be election crimes in a Pilkada: an official's decision or act favouring a
 * pair (UU 10/2016 Pasal 71 ayat (1) with UU 1/2015 Pasal 188), using state facilities, or
 * handing out goods and mobilising voters. For these the reporter is told about Sentra Gakkumdu.
 */
const PILKADA_CRIMINAL_KINDS: ReadonlySet<string> = new Set(['keputusan_kebijakan', 'fasilitas_negara', 'kegiatan_keberpihakan', 'tim_kampanye']);

const BAWASLU_HOW = 'Melalui SIGAPLAPOR, aplikasi Gowaslu, atau datang ke kantor Bawaslu kabupaten/kota setempat.';
const BAWASLU_BASIS = 'UU 7/2017 Pasal 454 ayat (4) untuk Pemilu; UU 8/2015 Pasal 134 ayat (3) untuk Pilkada';
const BKN_HOW =
  'Buka https://sbt.bkn.go.id → "Pelaporan Publik" → "Netralitas". Status dapat dicek lewat "Cek Status Laporan" dengan nomor laporan.';
const LAPOR_HOW =
  'Buka https://www.lapor.go.id dan pilih kategori Netralitas ASN. Tersedia pilihan laporan anonim dan rahasia; laporan diteruskan ke instansi yang berwenang.';

/**
 * Decides where a report should go; the rules in order (SOURCES.md §9, issue 11):
 * 1. `tahapan_berjalan` — an election stage runs on the incident date (the calendar, via
 *    `stageOn`) and Bawaslu's deadline, counted from when the violation became known, has not
 *    passed: Bawaslu, which receives reports "pada setiap tahapan penyelenggaraan" (UU 8/2015
 *    Pasal 134 ayat (1)). Its formal report needs the reporter's name and address, so an
 *    anonymous or incomplete reporter is pointed to SP4N-LAPOR! first, with Bawaslu next.
 * 2. `batas_bawaslu_lewat` — a stage runs but the deadline has passed: the ASN route below.
 * 3. `di_luar_tahapan` / `bukan_pemilihan` — no stage runs (today, 2026-12-01, none does) or the
 *    incident is not about an election: BKN (SBT) first, then SP4N-LAPOR!, then the agency's
 *    inspektorat. Bawaslu is not offered.
 * Criminal kinds in a running Pilkada mention Sentra Gakkumdu (UU 10/2016 Pasal 152).
 * The ASN's own agency (PPK) imposes any sanction in every case.
 */
export function decideRoute(input: RoutingInput): RouteDecision {
  const { stage } = input;
  const electionRelated = input.election !== 'bukan_pemilihan';
  // An unsure reporter gets the calendar's kind of election when one is running.
  const effective: ElectionType =
    input.election === 'tidak_yakin' && stage.election ? stage.election.kind : input.election;
  const knownDate = input.knownDate ?? input.incidentDate;
  const deadline = electionRelated && stage.running ? computeDeadline(effective, knownDate, input.today) : undefined;
  const hasNameAndAddress = Boolean(input.identity?.name && input.identity?.address);
  const hasIdNumber = Boolean(input.reported.idNumber);
  const anonymous = input.identity === undefined;

  const bawaslu: RouteOption = { id: 'bawaslu', name: 'Bawaslu', how: BAWASLU_HOW, reasons: [], missing: [] };
  if (!input.identity?.name) bawaslu.missing.push('nama pelapor');
  if (!input.identity?.address) bawaslu.missing.push('alamat pelapor');

  const bkn: RouteOption = {
    id: 'bkn_sbt',
    name: 'BKN — Sistem Berbagi Terintegrasi (SBT)',
    how: BKN_HOW,
    reasons: ['BKN mengawasi netralitas ASN dan meneruskan hasilnya kepada Pejabat Pembina Kepegawaian (PPK).'],
    missing: hasIdNumber ? [] : ['NIP/NIK ASN yang dilaporkan (tanpa itu, BKN mengarahkan pelapor ke SP4N-LAPOR!)'],
  };
  if (hasIdNumber) bkn.reasons.push('NIP/NIK ASN yang dilaporkan sudah ada, syarat pelaporan di SBT terpenuhi.');

  const lapor: RouteOption = { id: 'sp4n_lapor', name: 'SP4N-LAPOR!', how: LAPOR_HOW, reasons: [], missing: [] };
  if (!hasIdNumber) lapor.reasons.push('Tidak memerlukan NIP/NIK ASN yang dilaporkan.');
  if (anonymous) lapor.reasons.push('Anda memilih anonim; SP4N-LAPOR! menyediakan pilihan laporan anonim dan rahasia.');

  const agency = input.reported.agency;
  const inspektorat: RouteOption = {
    id: 'inspektorat',
    name: agency ? `Inspektorat / pengawas internal ${agency}` : 'Inspektorat / pengawas internal instansi terlapor',
    how: 'Sampaikan secara tertulis kepada inspektorat (atau atasan langsung) di instansi tempat ASN itu bekerja, dengan ringkasan di bawah.',
    reasons: ['Instansi ASN sendiri yang memeriksa dan, melalui PPK, menjatuhkan sanksi disiplin.'],
    missing: agency ? [] : ['nama instansi ASN yang dilaporkan'],
  };
  const asnRoute = [bkn, lapor, inspektorat];

  let rule: RouteDecision['rule'];
  let options: RouteOption[];
  const stageWords = stage.election ? `${stage.election.name}${stage.stageName ? ` (${stage.stageName.toLowerCase()})` : ''}` : '';

  if (electionRelated && stage.running && deadline && deadline.state !== 'past') {
    rule = {
      id: 'tahapan_berjalan',
      explanation: `Pada ${formatLongDate(input.incidentDate)} tahapan ${stageWords} sedang berjalan menurut kalender Netra, dan batas lapor ke Bawaslu (${deadline.days} ${deadline.unit === 'hari_kerja' ? 'hari kerja' : 'hari'} sejak diketahui) belum lewat. Bawaslu menerima laporan pelanggaran pada setiap tahapan penyelenggaraan (UU 8/2015 Pasal 134 ayat (1)), jadi Bawaslu yang pertama menilai.`,
    };
    bawaslu.reasons.push(
      'Bawaslu menilai apakah perbuatan itu melanggar dan memberi rekomendasi; BKN meneruskannya ke PPK.',
      `Syarat laporan: nama dan alamat pelapor, pihak terlapor, waktu dan tempat kejadian, serta uraian kejadian (${BAWASLU_BASIS}).`,
    );
    if (effective === 'pilkada') {
      bawaslu.reasons.push(
        'Laporan Pilkada disampaikan oleh WNI yang punya hak pilih di daerah itu, pemantau, atau peserta pemilihan (UU 8/2015 Pasal 134 ayat (2)).',
      );
    }
    if (hasNameAndAddress) {
      bawaslu.reasons.push('Nama dan alamat Anda sudah ada, sehingga syarat formal terpenuhi.');
      options = [bawaslu, ...asnRoute];
    } else {
      bawaslu.reasons.push('Tanpa nama dan alamat pelapor, laporan tidak dapat diproses Bawaslu sebagai laporan resmi.');
      lapor.reasons.unshift('Nama dan alamat Anda belum lengkap untuk syarat formal Bawaslu, sedangkan SP4N-LAPOR! menerimanya.');
      options = [lapor, bawaslu, bkn, inspektorat];
    }
  } else if (electionRelated && stage.running && deadline) {
    rule = {
      id: 'batas_bawaslu_lewat',
      explanation: `Kejadian terjadi pada masa tahapan ${stageWords}, tetapi batas lapor ke Bawaslu (dihitung sejak diketahui, ${formatLongDate(deadline.from)}) sudah lewat pada ${formatLongDate(deadline.due)}. Pelanggaran netralitas ASN tetap dapat dilaporkan sebagai pelanggaran disiplin/kode etik: BKN (SBT), lalu SP4N-LAPOR!, lalu inspektorat instansinya.`,
    };
    options = asnRoute;
  } else if (electionRelated) {
    rule = {
      id: 'di_luar_tahapan',
      explanation: `Menurut kalender Netra tidak ada tahapan Pemilu atau Pilkada yang berjalan pada ${formatLongDate(input.incidentDate)}. Bawaslu menerima laporan pada masa tahapan, jadi laporan ini ditangani sebagai pelanggaran netralitas/disiplin ASN: BKN (SBT), lalu SP4N-LAPOR!, lalu inspektorat instansinya.`,
    };
    options = asnRoute;
  } else {
    rule = {
      id: 'bukan_pemilihan',
      explanation:
        'Anda menyebut kejadian ini tidak terkait Pemilu/Pilkada, jadi laporan ditangani sebagai pelanggaran netralitas/disiplin ASN: BKN (SBT), lalu SP4N-LAPOR!, lalu inspektorat instansinya.',
    };
    options = asnRoute;
  }

  const notes = [
    'Sanksi terhadap ASN dijatuhkan oleh instansinya sendiri: Pejabat Pembina Kepegawaian (PPK), dengan pemeriksaan oleh atasan langsung atau inspektorat.',
  ];
  if (effective === 'pilkada' && stage.running && PILKADA_CRIMINAL_KINDS.has(input.kindId)) {
    notes.push(
      'Jika perbuatan ini juga dugaan tindak pidana Pemilihan, penanganannya dilakukan bersama Sentra Penegakan Hukum Terpadu (Gakkumdu): Bawaslu, Kepolisian, dan Kejaksaan, yang melekat pada Bawaslu (UU 10/2016 Pasal 152 ayat (1)–(2)). Sampaikan ke Bawaslu setempat.',
    );
  }
  notes.push('Netra membantu menyiapkan laporan, tetapi tidak menggantikan kanal resmi. Laporan baru diproses secara resmi setelah disampaikan melalui kanal di atas.');

  return { primary: options[0]!.id, options, rule, deadline, notes };
}

/** The routing decision as a chat message: the rule first, then the channels. */
export function describeRoute(decision: RouteDecision): string {
  const [primary, ...others] = decision.options;
  const lines: string[] = ['📍 Ke mana laporan ini sebaiknya disampaikan', '', `Mengapa: ${decision.rule.explanation}`, ''];
  if (primary) lines.push(...describeOption(primary, 'Disarankan'));
  for (const o of others) lines.push('', ...describeOption(o, 'Alternatif'));
  if (decision.deadline) lines.push('', `⏳ ${describeDeadline(decision.deadline)}`);
  lines.push('', ...decision.notes.map((n) => `ℹ️ ${n}`));
  return lines.join('\n');
}

function describeOption(o: RouteOption, tag: string): string[] {
  const lines = [`${tag}: ${o.name}`, `Cara: ${o.how}`];
  for (const r of o.reasons) lines.push(`• ${r}`);
  if (o.missing.length > 0) lines.push(`• Masih diperlukan: ${o.missing.join(', ')}.`);
  return lines;
}
