import type { ChannelName, IncomingMessage, OutgoingMessage } from '../conversation/messages.js';
import type { NotifierRegistry } from '../conversation/notifier-registry.js';
import { hashUserId, type Logger } from '../logging/logger.js';
import type { NetraDatabase } from '../storage/database.js';
import { adminActor } from '../storage/audit-log.js';
import { createFieldSealer, type FieldSealer } from '../storage/field-crypto.js';
import { StorageWriter } from '../storage/storage-writer.js';
import { formatShortDate, formatTimestamp, jakartaDate } from '../knowledge/calendar-date.js';
import { KeyedLock } from './chat-lock.js';
import { DraftRepository, type StoredDraft, UnreadableDraftError } from './draft-repository.js';
import { EvidenceStore } from './evidence-store.js';
import { StatusNoteSchema, validate } from './report-fields.js';
import {
  addEvidenceFile,
  applyInput,
  canAddFile,
  firstIncompleteStep,
  goBack,
  newDraft,
  prompt,
  type DraftState,
  type FlowContext,
} from './report-flow.js';
import type { StoredReport } from './report-model.js';
import { ReportRepository } from './report-repository.js';
import { decideRoute, describeRoute } from './report-routing.js';
import { isReportStatus, REPORT_STATUSES, STATUS_LABELS, type ReportStatus } from './report-status.js';
import { formatAdminDetail, formatAdminNotice, formatHistory, formatOfficialText } from './report-summary.js';
import { normalizeTicket } from './ticket-code.js';
import { LIMITS } from './report-fields.js';

export interface ReportingServiceDeps {
  db: NetraDatabase;
  /** Where evidence files are written (`<uuid>.<ext>`). */
  evidenceDir: string;
  /** `REPORTS_ENCRYPTION_KEY`; without it identities and chat ids are stored as plaintext. */
  encryptionKey?: string;
  maxEvidenceBytes: number;
  notifiers: NotifierRegistry;
  /** Where new-report notices go, e.g. Telegram ADMIN_CHAT_ID. Without it admins only see reports via `/laporan`. */
  adminTarget?: { channel: ChannelName; chatId: string };
  /** Kinds of violation offered as choices; "Lainnya (tulis sendiri)" is always added. */
  kinds: { id: string; label: string }[];
  now?: () => Date;
  logger?: Logger;
  /**
   * The app's one writer (waits asynchronously for a lock held by another process; storage
   * failures throw StorageUnavailableError). Default: a writer of its own.
   */
  writer?: StorageWriter;
}

/** Unfinished reports are deleted after this long without an answer, so half-told identities do not linger. */
export const DRAFT_TTL_MS = 7 * 24 * 3600_000;

const ROUTE_NAMES: Record<string, string> = { bawaslu: 'Bawaslu', bkn_sbt: 'BKN (SBT)', sp4n_lapor: 'SP4N-LAPOR!' };
const ADMIN_LIST_LIMIT = 20;

/**
 * The reporting flow behind `/lapor`: a step-by-step conversation that ends in a stored report
 * with a ticket, a routing advice to the official channel, a ready-to-paste summary, and a notice
 * to Netra's admins. Drafts live in SQLite, so a restart resumes where the reporter was.
 * Nothing a reporter writes, and no chat id, is ever passed to the logger.
 */
export class ReportingService {
  private readonly db: NetraDatabase;
  private readonly sealer: FieldSealer;
  private readonly drafts: DraftRepository;
  private readonly reports: ReportRepository;
  private readonly evidence: EvidenceStore;
  private readonly lock = new KeyedLock();
  private readonly now: () => Date;
  private readonly writer: StorageWriter;

  constructor(private readonly deps: ReportingServiceDeps) {
    this.db = deps.db;
    this.sealer = createFieldSealer(deps.encryptionKey);
    this.writer = deps.writer ?? new StorageWriter(deps.db, { lockWaitMs: 5000 });
    this.drafts = new DraftRepository(deps.db, this.sealer, this.writer);
    this.reports = new ReportRepository(deps.db, this.sealer, this.writer);
    this.evidence = new EvidenceStore(deps.evidenceDir, deps.maxEvidenceBytes);
    this.now = deps.now ?? (() => new Date());
  }

  /** True while this chat has an unfinished report; the conversation then sends every message to {@link handle}. */
  isInFlow(channel: ChannelName, chatId: string): boolean {
    const updatedAt = this.drafts.updatedAt(channel, chatId);
    if (updatedAt === undefined) return false;
    if (this.isExpired(updatedAt)) {
      // Deleted in the background: this check must stay synchronous for the conversation.
      this.discardDraft(channel, chatId).catch((err: unknown) =>
        this.deps.logger?.warn({ event: 'report_draft_discard_failed', err: (err as Error).message }, 'expired draft not deleted'),
      );
      return false;
    }
    return true;
  }

  /**
   * `/lapor`, the "Laporkan pelanggaran" button, or a message saying the user wants to report.
   * In a group it does not start (the reporter would be exposed) and points to a private chat
   * instead. A chat that already has an unfinished report continues it rather than starting over.
   * `prefill.description` (what the user already wrote) is offered as the chronology.
   */
  async start(msg: IncomingMessage, prefill?: { description?: string }): Promise<OutgoingMessage[]> {
    if (!msg.isPrivate) {
      this.log('report_group_redirect', msg);
      const where = msg.privateChatLink
        ? `Silakan lanjutkan melalui chat pribadi dengan Netra: ${msg.privateChatLink}`
        : 'Silakan kirim /lapor langsung kepada Netra melalui chat pribadi.';
      return [
        text(
          `Demi melindungi identitas Anda, laporan tidak diterima di grup. ${where}\nJangan tuliskan rincian kejadian di grup ini.`,
        ),
      ];
    }
    return this.lock.run(key(msg), async () => {
      if (this.isInFlow(msg.channel, msg.chatId)) {
        const loaded = await this.load(msg);
        if (loaded.kind === 'draft') {
          return [
            withNotice(
              'Anda masih memiliki laporan yang belum selesai; kita lanjutkan dari langkah terakhir. Ketik /batal bila ingin mengulang dari awal.',
              prompt(loaded.state, this.ctx()),
            ),
          ];
        }
      }
      const state = newDraft(prefill);
      await this.drafts.save(msg.channel, msg.chatId, state, this.now());
      this.log('report_started', msg);
      const intro = [
        'Netra akan membantu Anda menyiapkan laporan dugaan pelanggaran netralitas ASN dalam 9 langkah singkat.',
        'Netra tidak menggantikan kanal resmi (Bawaslu, BKN, SP4N-LAPOR!). Di akhir, Anda mendapat nomor tiket, saran kanal yang tepat, dan ringkasan siap tempel.',
        `Anda boleh melapor secara anonim. Identitas pelapor disimpan terpisah dari isi laporan${this.sealer.encrypted ? ' dan dienkripsi' : ''}.`,
      ].join('\n');
      return [text(intro), prompt(state, this.ctx())];
    });
  }

  /** Every message from a chat that is in the flow: answers, button choices, attachments, `/batal`, `/kembali`. */
  async handle(msg: IncomingMessage): Promise<OutgoingMessage[]> {
    return this.lock.run(key(msg), async () => {
      const loaded = await this.load(msg);
      if (loaded.kind !== 'draft') return [text(loaded.message)];
      let state = loaded.state;
      const ctx = this.ctx();
      const command = parseCommand(msg.text);

      if (command === 'batal') {
        await this.discardDraft(msg.channel, msg.chatId, state);
        this.log('report_cancelled', msg);
        return [text('Laporan dibatalkan dan semua isian serta bukti yang sudah dikirim telah dihapus. Ketik /lapor bila ingin melapor lagi.')];
      }
      if (command === 'kembali') {
        const previous = goBack(state);
        if (!previous) return [withNotice('Ini sudah langkah pertama.', prompt(state, ctx))];
        await this.drafts.save(msg.channel, msg.chatId, previous, this.now());
        return [prompt(previous, ctx)];
      }
      if (command?.startsWith('/status')) {
        return [...this.status(msg, command.slice('/status'.length)), prompt(state, ctx)];
      }
      if (command !== undefined) {
        return [withNotice('Anda sedang mengisi laporan. Selesaikan langkah ini, atau ketik /batal untuk membatalkan.', prompt(state, ctx))];
      }

      const notices: string[] = [];
      const attachments = msg.attachments ?? [];
      if (attachments.length > 0) {
        if (state.step === 'evidence') {
          for (const attachment of attachments) {
            if (!canAddFile(state)) {
              notices.push(`Maksimal ${LIMITS.maxFiles} berkas per laporan; berkas selebihnya tidak disimpan. Anda masih dapat mengirim tautan.`);
              break;
            }
            const saved = await this.evidence.saveAttachment(attachment, this.now());
            if (saved.ok) {
              state = addEvidenceFile(state, saved.file);
              notices.push(`Bukti diterima (${state.fields.evidence.length}).`);
            } else {
              notices.push(saved.message);
            }
          }
          await this.drafts.save(msg.channel, msg.chatId, state, this.now());
          if (msg.text.trim() === '' && msg.choiceId === undefined) return [withNotice(notices.join('\n'), prompt(state, ctx))];
        } else {
          notices.push('Berkas bukti dapat dikirim pada langkah 7 (Bukti). Berkas ini belum disimpan; mohon kirim lagi nanti.');
          if (msg.text.trim() === '' && msg.choiceId === undefined) return [withNotice(notices.join('\n'), prompt(state, ctx))];
        }
      }
      if (msg.text.trim() === '' && msg.choiceId === undefined) return [prompt(state, ctx)];

      const outcome = applyInput(state, { text: msg.text, choiceId: msg.choiceId }, ctx);
      switch (outcome.type) {
        case 'next':
          await this.drafts.save(msg.channel, msg.chatId, outcome.state, this.now());
          if (outcome.notice) notices.push(outcome.notice);
          return [withNotice(notices.join('\n'), prompt(outcome.state, ctx))];
        case 'invalid':
          notices.push(`⚠️ ${outcome.message}`);
          return [withNotice(notices.join('\n'), prompt(state, ctx))];
        case 'menu':
          return [outcome.message];
        case 'cancel':
          await this.discardDraft(msg.channel, msg.chatId, state);
          this.log('report_cancelled', msg);
          return [text('Laporan dibatalkan dan semua isian serta bukti yang sudah dikirim telah dihapus. Ketik /lapor bila ingin melapor lagi.')];
        case 'submit':
          return this.submit(msg, state);
      }
    });
  }

  /**
   * `/status <tiket>`: status and history, only to the channel+chat that filed the report. Anyone
   * else gets exactly the reply for a ticket that does not exist, so tickets cannot be probed.
   */
  status(msg: IncomingMessage, ticket: string): OutgoingMessage[] {
    const normalized = normalizeTicket(ticket);
    if (!ticket.trim()) return [text('Tulis nomor tiketnya, misalnya: /status NTR-AB12-CD34')];
    const notFound = text(
      `Laporan dengan tiket ${normalized ?? ticket.trim().slice(0, 20)} tidak ditemukan. Periksa kembali nomornya; status hanya dapat dilihat dari chat yang dipakai untuk mengirim laporan.`,
    );
    if (!normalized) return [notFound];
    const report = this.reports.findForReporter(normalized, msg.channel, msg.chatId);
    if (!report) return [notFound];
    const s = STATUS_LABELS[report.status];
    return [
      text(
        [
          `📄 Laporan ${report.ticket}`,
          `Status: ${s.label} — ${s.meaning}.`,
          `Jenis: ${report.kindLabel}`,
          `Dikirim: ${formatTimestamp(report.createdAt)}`,
          '',
          'Riwayat:',
          ...formatHistory(this.reports.history(report.id)),
        ].join('\n'),
      ),
    ];
  }

  /**
   * Admin commands; the caller has checked `msg.isAdmin` (checked again here: a non-admin gets null).
   * `/laporan` lists the latest reports, `/laporan <status>` filters, `/laporan <tiket>` shows one,
   * `/ubahstatus <tiket> <status> [catatan]` changes the status, stores the note and tells the
   * reporter on the channel they used. Returns null when the text is not one of these commands.
   */
  async handleAdmin(msg: IncomingMessage): Promise<OutgoingMessage[] | null> {
    if (msg.isAdmin !== true) return null;
    const m = /^\/(laporan|ubahstatus)(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(msg.text.trim());
    if (!m) return null;
    const args = (m[2] ?? '').trim();
    if (m[1]!.toLowerCase() === 'laporan') return [text(this.adminList(args, msg))];
    return [text(await this.adminChangeStatus(args, msg))];
  }

  private adminList(args: string, msg: IncomingMessage): string {
    const usage = `Pemakaian: /laporan, /laporan <${REPORT_STATUSES.join('|')}>, atau /laporan <tiket>.`;
    if (args === '') return this.formatList(undefined);
    const word = args.toLowerCase();
    // Status words first: "diterima" is also 8 letters, which normalizeTicket would accept.
    if (isReportStatus(word)) return this.formatList(word);
    const ticket = normalizeTicket(args);
    if (!ticket) return `Status atau tiket "${args.slice(0, 30)}" tidak dikenal. ${usage}`;
    const report = this.reports.findByTicket(ticket);
    if (!report) return `Tiket ${ticket} tidak ditemukan.`;
    // Showing the identity is recorded in the audit trail (who, when, which ticket).
    const lookup = this.reports.identity(report, adminActor(msg.channel, msg.userId), { now: this.now() });
    const identity = lookup.state === 'available' ? lookup.identity : undefined;
    const identityNote =
      lookup.state === 'available'
        ? `Identitas pelapor disertakan atas persetujuan pelapor${lookup.encrypted ? ' (tersimpan terenkripsi)' : ' (tersimpan TANPA enkripsi)'}.`
        : lookup.state === 'locked'
          ? 'Identitas pelapor tersimpan terenkripsi, tetapi tidak dapat dibuka dengan REPORTS_ENCRYPTION_KEY saat ini.'
          : report.anonymous
            ? 'Identitas pelapor: anonim.'
            : 'Identitas pelapor: tidak disimpan (pelapor tidak menyetujui diteruskan).';
    return formatAdminDetail(report, this.reports.history(report.id), identity, identityNote);
  }

  private formatList(status: ReportStatus | undefined): string {
    const rows = this.reports.list({ status, limit: ADMIN_LIST_LIMIT });
    const counts = this.reports.countByStatus();
    const header = `Laporan ${status ? `berstatus ${STATUS_LABELS[status].label}` : 'terbaru'} (maks. ${ADMIN_LIST_LIMIT}):`;
    const summary = REPORT_STATUSES.map((s) => `${STATUS_LABELS[s].label} ${counts[s]}`).join(' · ');
    if (rows.length === 0) return `${header}\nBelum ada laporan.\n\nJumlah: ${summary}`;
    const lines = rows.map(
      (r) =>
        `• ${r.ticket} · ${formatShortDate(jakartaDate(new Date(r.createdAt)))} · ${STATUS_LABELS[r.status].label} · ${r.kindLabel} · ${ROUTE_NAMES[r.route] ?? r.route}`,
    );
    return `${header}\n${lines.join('\n')}\n\nJumlah: ${summary}\nDetail: /laporan <tiket>`;
  }

  private async adminChangeStatus(args: string, msg: IncomingMessage): Promise<string> {
    const usage = `Pemakaian: /ubahstatus <tiket> <${REPORT_STATUSES.join('|')}> [catatan untuk pelapor]`;
    const m = /^(\S+)\s+(\S+)(?:\s+([\s\S]+))?$/.exec(args);
    if (!m) return usage;
    const ticket = normalizeTicket(m[1]!);
    const status = m[2]!.toLowerCase();
    if (!ticket) return `Nomor tiket "${m[1]!.slice(0, 30)}" tidak valid. ${usage}`;
    if (!isReportStatus(status)) return `Status "${status.slice(0, 30)}" tidak dikenal. ${usage}`;
    const noteResult = validate(StatusNoteSchema, m[3] ?? '');
    if (!noteResult.ok) return noteResult.message;
    const note = noteResult.value || undefined;
    const report = this.reports.findByTicket(ticket);
    if (!report) return `Tiket ${ticket} tidak ditemukan.`;
    await this.reports.changeStatus(report.id, status, note, this.now(), adminActor(msg.channel, msg.userId));
    this.deps.logger?.info({ event: 'report_status_changed', ticket, status }, 'report status changed');

    const chatId = this.reports.reporterChatId(report);
    const s = STATUS_LABELS[status];
    const notice = [
      `📄 Status laporan Anda ${ticket} kini: ${s.label} — ${s.meaning}.`,
      note ? `Catatan admin: ${note}` : '',
      `Ketik /status ${ticket} untuk melihat riwayatnya.`,
    ]
      .filter(Boolean)
      .join('\n');
    const delivered = chatId ? await this.deps.notifiers.send(report.channel, chatId, notice) : false;
    if (!delivered) this.deps.logger?.warn({ event: 'report_status_undelivered', ticket, channel: report.channel }, 'reporter not notified');
    return [
      `Status ${ticket} diubah: ${STATUS_LABELS[report.status].label} → ${s.label}${note ? ` (catatan: ${note})` : ''}.`,
      delivered
        ? `Pelapor sudah diberi tahu melalui ${report.channel}.`
        : `Pelapor belum dapat diberi tahu (kanal ${report.channel} tidak aktif atau pengiriman gagal); pelapor tetap dapat melihatnya dengan /status.`,
    ].join('\n');
  }

  private async submit(msg: IncomingMessage, state: DraftState): Promise<OutgoingMessage[]> {
    const f = state.fields;
    const missing = firstIncompleteStep(f);
    if (missing || !f.kindId || !f.kindLabel || !f.election || !f.reported || !f.incidentDate || !f.place || !f.chronology) {
      // Should not happen through the flow; never store a half report.
      const back: DraftState = { ...state, step: missing ?? 'kind', editing: true, history: [...state.history, state.step] };
      await this.drafts.save(msg.channel, msg.chatId, back, this.now());
      return [withNotice('Masih ada bagian yang belum diisi.', prompt(back, this.ctx()))];
    }
    const now = this.now();
    const identity = f.anonymous ? undefined : f.identity;
    const route = decideRoute({
      election: f.election,
      incidentDate: f.incidentDate,
      reported: f.reported,
      identity,
      today: jakartaDate(now),
    });
    const consent = !f.anonymous && f.consent === true;
    // One write transaction: the report exists and the draft is gone, or neither.
    const report: StoredReport = await this.writer.write(() => {
      const created = this.reports.createWithin(
        {
          election: f.election!,
          kindId: f.kindId!,
          kindLabel: f.kindLabel!,
          reported: f.reported!,
          incidentDate: f.incidentDate!,
          place: f.place!,
          chronology: f.chronology!,
          evidence: f.evidence,
          links: f.links,
          channel: msg.channel,
          chatId: msg.chatId,
          anonymous: f.anonymous === true,
          consentForward: consent,
          // Without consent the identity is not kept at all: it only appears in the reporter's own summary below.
          identity: consent ? identity : undefined,
          route,
        },
        now,
      );
      this.drafts.deleteWithin(msg.channel, msg.chatId);
      return created;
    });
    this.log('report_submitted', msg, { ticket: report.ticket, route: route.primary });

    let adminNotified = false;
    if (this.deps.adminTarget) {
      const notice = formatAdminNotice(report, consent ? identity : undefined, ROUTE_NAMES[route.primary] ?? route.primary);
      adminNotified = await this.deps.notifiers.send(this.deps.adminTarget.channel, this.deps.adminTarget.chatId, notice);
      if (!adminNotified) this.deps.logger?.warn({ event: 'report_admin_undelivered', ticket: report.ticket }, 'admin not notified');
    }

    return [
      text(
        [
          `✅ Laporan Anda tersimpan dengan nomor tiket ${report.ticket}.`,
          `Simpan nomor ini. Cek perkembangannya kapan saja dengan /status ${report.ticket} dari chat ini.`,
          adminNotified ? 'Admin Netra sudah diberi tahu.' : 'Admin Netra akan memeriksanya.',
        ].join('\n'),
      ),
      text(describeRoute(route)),
      text(`Ringkasan siap tempel untuk kanal resmi:\n\n${formatOfficialText(report, identity, report.ticket)}`),
    ];
  }

  private async load(msg: IncomingMessage): Promise<{ kind: 'draft'; state: DraftState } | { kind: 'none'; message: string }> {
    let stored: StoredDraft | undefined;
    try {
      stored = this.drafts.get(msg.channel, msg.chatId);
    } catch (err) {
      if (!(err instanceof UnreadableDraftError)) throw err;
      await this.discardDraft(msg.channel, msg.chatId);
      this.deps.logger?.warn({ event: 'report_draft_unreadable', chat: hashUserId(msg.channel, msg.chatId) }, 'draft discarded');
      return { kind: 'none', message: 'Maaf, laporan yang sedang Anda isi tidak dapat dibaca lagi dan telah dihapus. Silakan mulai lagi dengan /lapor.' };
    }
    if (!stored) return { kind: 'none', message: 'Tidak ada laporan yang sedang Anda isi. Ketik /lapor untuk memulai.' };
    if (this.isExpired(stored.updatedAt)) {
      await this.discardDraft(msg.channel, msg.chatId, stored.state);
      return {
        kind: 'none',
        message: 'Laporan yang belum selesai sudah kedaluwarsa (tidak dilanjutkan lebih dari 7 hari) dan telah dihapus. Ketik /lapor untuk memulai lagi.',
      };
    }
    return { kind: 'draft', state: stored.state };
  }

  /** Deletes a draft and the evidence files it had already stored. */
  private async discardDraft(channel: ChannelName, chatId: string, state?: DraftState): Promise<void> {
    let files = state?.fields.evidence;
    if (!files) {
      try {
        files = this.drafts.get(channel, chatId)?.state.fields.evidence;
      } catch {
        files = undefined; // Unreadable: the row goes; its files (if any) cannot be identified.
      }
    }
    // The row first: a file whose draft is gone is an orphan the start-up sweep removes.
    await this.drafts.delete(channel, chatId);
    for (const file of files ?? []) this.evidence.remove(file.fileName);
  }

  private isExpired(updatedAt: string): boolean {
    return this.now().getTime() - new Date(updatedAt).getTime() > DRAFT_TTL_MS;
  }

  private ctx(): FlowContext {
    return {
      kinds: this.deps.kinds,
      today: jakartaDate(this.now()),
      encrypted: this.sealer.encrypted,
      maxEvidenceBytes: this.deps.maxEvidenceBytes,
    };
  }

  private log(event: string, msg: IncomingMessage, extra: Record<string, string> = {}): void {
    this.deps.logger?.info({ event, channel: msg.channel, chat: hashUserId(msg.channel, msg.chatId), ...extra }, event);
  }
}

function key(msg: IncomingMessage): string {
  return `${msg.channel}\u0000${msg.chatId}`;
}

function text(value: string): OutgoingMessage {
  return { kind: 'text', text: value };
}

function withNotice(notice: string, message: OutgoingMessage): OutgoingMessage {
  if (!notice || message.kind !== 'text') return message;
  return { ...message, text: `${notice}\n\n${message.text}` };
}

/**
 * `/batal` and `/kembali` (also as plain words, and with a Telegram `@bot` suffix); `/status …`
 * is returned as `/status <args>`; any other slash command as 'other'.
 */
function parseCommand(value: string): 'batal' | 'kembali' | 'other' | `/status${string}` | undefined {
  const t = value.trim().toLowerCase();
  const m = /^\/([a-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(t);
  if (m) {
    if (m[1] === 'batal' || m[1] === 'cancel') return 'batal';
    if (m[1] === 'kembali' || m[1] === 'back') return 'kembali';
    if (m[1] === 'status') return `/status ${value.trim().split(/\s+/).slice(1).join(' ')}`;
    return 'other';
  }
  if (t === 'batal' || t === 'batalkan') return 'batal';
  if (t === 'kembali') return 'kembali';
  return undefined;
}
