import type { Logger } from '../logging/logger.js';
import { toStorageError } from '../storage/storage-errors.js';
import { type EvidenceSaveResult, evidenceLabel, tooBigMessage } from '../reporting/evidence-store.js';
import { LIMITS } from '../reporting/report-fields.js';
import {
  addEvidenceFile,
  applyInput,
  canAddFile,
  goBack,
  requestCancel,
  stepTitle,
  view,
  type DraftState,
} from '../reporting/report-flow.js';
import type { ReporterRef } from '../reporting/report-model.js';
import { addLinks } from '../reporting/report-steps.js';
import type { ReportingService } from '../reporting/reporting-service.js';
import { resolveChoice } from './choice-resolver.js';
import { AttachmentTooLargeError, type IncomingAttachment, type IncomingMessage, type OutgoingMessage } from './messages.js';

/** Said when the database refuses a read or write (full or read-only disk, a lock held too long). */
export const STORAGE_FAILURE_TEXT = [
  'Maaf, laporan Anda belum dapat disimpan karena penyimpanan Netra sedang bermasalah. Isian yang sudah tersimpan tidak hilang.',
  'Silakan coba lagi beberapa saat lagi. Bila mendesak, sampaikan laporan langsung ke Bawaslu setempat, https://sbt.bkn.go.id, atau https://www.lapor.go.id.',
].join('\n');

const CANCELLED_TEXT = 'Laporan dibatalkan dan semua isian serta bukti yang sudah dikirim telah dihapus. Ketik /lapor bila ingin melapor lagi.';

/**
 * The reporting flow as a chat: turns messages (text, button choices, numbered replies, files
 * with captions, `/batal`, `/kembali`) into inputs of the reporting domain and its views back
 * into messages. Files are downloaded here, so the domain only ever sees bytes.
 *
 * Every call into reporting goes through {@link guard}: a storage failure becomes one Indonesian
 * message, and the reporter's text never falls through to the answer pipeline or the log.
 */
export class ReportDialog {
  constructor(
    private readonly reporting: ReportingService,
    private readonly logger: Logger,
  ) {}

  /** True while the chat has an unfinished report. Throws when storage cannot be read (see {@link guard}). */
  active(msg: IncomingMessage): Promise<boolean> {
    return this.reporting.hasDraft(ref(msg));
  }

  /**
   * `/lapor`, the report button, or "saya mau lapor". In a group it does not start (the reporter
   * would be exposed) and points to the private chat. An unfinished report is continued.
   */
  async start(msg: IncomingMessage, prefill?: { description?: string }): Promise<OutgoingMessage[]> {
    if (!msg.isPrivate) return [groupRedirect(msg)];
    return this.guard(async () => {
      const r = ref(msg);
      const loaded = await this.reporting.loadDraft(r);
      if (loaded.kind === 'draft') {
        return [
          this.prompt(
            loaded.state,
            `Anda masih memiliki laporan yang belum selesai; kita lanjutkan dari ${stepTitle(loaded.state)}. Ketik /batal bila ingin mengulang dari awal.`,
          ),
        ];
      }
      const state = await this.reporting.startDraft(r, prefill, msg.deliveryId === undefined ? undefined : { delivery: msg.deliveryId, started: true });
      return [this.intro(), this.prompt(state)];
    });
  }

  private intro(): OutgoingMessage {
    return text(
      [
        'Netra akan membantu Anda menyiapkan laporan dugaan pelanggaran netralitas ASN dalam 9 langkah singkat.',
        'Netra tidak menggantikan kanal resmi (Bawaslu, BKN, SP4N-LAPOR!, inspektorat). Di akhir, Anda mendapat nomor tiket, saran kanal yang tepat beserta alasannya, dan ringkasan siap tempel.',
        `Anda boleh melapor secara anonim. Identitas pelapor disimpan terpisah dari isi laporan${this.reporting.encrypted ? ' dan dienkripsi' : ''}.`,
      ].join('\n'),
    );
  }

  /**
   * Saves `state` as the result of `msg` (see DraftState.applied) and returns the reply: the
   * view of `state` with `notice`.
   */
  private async saveAndPrompt(msg: IncomingMessage, state: DraftState, notice?: string): Promise<OutgoingMessage[]> {
    const { applied: _previous, ...rest } = state;
    const stamped: DraftState =
      msg.deliveryId === undefined ? rest : { ...rest, applied: { delivery: msg.deliveryId, ...(notice ? { notice } : {}) } };
    await this.reporting.saveDraft(ref(msg), stamped);
    return [this.prompt(stamped, notice)];
  }

  /**
   * The reply to a message that confirmed a report which is already stored: delivered again
   * because its worker died after storing the report but before recording the reply. The same
   * ticket again; undefined when this delivery stored no report (the usual case).
   */
  async repeatedConfirmation(msg: IncomingMessage): Promise<OutgoingMessage[] | undefined> {
    if (msg.deliveryId === undefined || !msg.isPrivate) return undefined;
    const delivery = msg.deliveryId;
    const replies = await this.guard(async () => (await this.reporting.alreadySubmitted(ref(msg), delivery))?.messages.map(text) ?? []);
    return replies.length > 0 ? replies : undefined;
  }

  /** "A report is in progress": shown by the console at start, so a restart is not a surprise. */
  async resumeNotice(msg: IncomingMessage): Promise<OutgoingMessage[]> {
    return this.guard(async () => {
      const loaded = await this.reporting.loadDraft(ref(msg));
      if (loaded.kind !== 'draft') return [];
      return [
        this.prompt(
          loaded.state,
          `📝 Anda sedang mengisi laporan yang belum selesai — ${stepTitle(loaded.state)}. Lanjutkan dengan menjawab pertanyaan di bawah, atau ketik batal.`,
        ),
      ];
    });
  }

  /** Every message of a chat with an unfinished report; `command` is `batal`, `kembali` or `lapor` when typed. */
  async handle(msg: IncomingMessage, command?: 'batal' | 'kembali' | 'lapor'): Promise<OutgoingMessage[]> {
    return this.guard(async () => {
      const r = ref(msg);
      const loaded = await this.reporting.loadDraft(r);
      if (loaded.kind === 'none') return [text('Tidak ada laporan yang sedang Anda isi. Ketik /lapor untuk memulai.')];
      if (loaded.kind === 'expired') {
        return [text('Laporan yang belum selesai sudah kedaluwarsa (tidak dilanjutkan lebih dari 7 hari) dan telah dihapus. Ketik /lapor untuk memulai lagi.')];
      }
      if (loaded.kind === 'unreadable') {
        return [text('Maaf, laporan yang sedang Anda isi tidak dapat dibaca lagi dan telah dihapus. Silakan mulai lagi dengan /lapor.')];
      }
      let state = loaded.state;
      const ctx = this.reporting.flowContext();
      const applied = state.applied;
      if (msg.deliveryId !== undefined && applied?.delivery === msg.deliveryId) {
        // Applied already by a worker that died before its reply was recorded: the same reply again, not a second step.
        return applied.started ? [this.intro(), this.prompt(state)] : [this.prompt(state, applied.notice)];
      }

      if (command === 'batal') return this.saveAndPrompt(msg, requestCancel(state));
      if (command === 'kembali') {
        const previous = goBack(state);
        if (!previous) return [this.prompt(state, 'Ini sudah langkah pertama.')];
        return this.saveAndPrompt(msg, previous);
      }
      if (command === 'lapor') return [this.prompt(state, `Anda sedang mengisi laporan; kita lanjutkan dari ${stepTitle(state)}.`)];

      const notices: string[] = [];
      const attachments = msg.attachments ?? [];
      let textInput = msg.text.trim();
      if (attachments.length > 0) {
        if (state.step === 'evidence' && !state.pending) {
          // A caption describes the file(s) it came with; links in it count as links.
          const caption = textInput;
          state = await this.storeFiles(state, attachments, caption, notices);
          if (caption) {
            const links = addLinks(state.fields, caption);
            if (links.kind === 'added') state = { ...state, fields: links.fields };
          }
          return this.saveAndPrompt(msg, state, notices.join('\n'));
        }
        notices.push(`Berkas bukti dapat dikirim pada langkah 7 (Bukti). ${attachments.length > 1 ? 'Berkas-berkas' : 'Berkas'} ini belum disimpan; mohon kirim lagi nanti.`);
        if (textInput === '') return [this.prompt(state, notices.join('\n'))];
      }
      if (textInput === '' && msg.choiceId === undefined) return [this.prompt(state)];

      // A numbered reply or a label typed instead of pressed; the options are the ones the
      // current state shows, so a restart between prompt and answer changes nothing.
      let choiceId = msg.choiceId;
      if (choiceId === undefined) {
        const picked = resolveChoice(textInput, view(state, ctx).choices);
        if (picked) {
          choiceId = picked.id;
          textInput = '';
        }
      }

      const outcome = applyInput(state, { text: textInput, choiceId }, ctx);
      switch (outcome.type) {
        case 'next':
          if (outcome.notice) notices.push(outcome.notice);
          return this.saveAndPrompt(msg, outcome.state, notices.join('\n'));
        case 'invalid':
          notices.push(`⚠️ ${outcome.message}`);
          return [this.prompt(state, notices.join('\n'))];
        case 'cancelled':
          await this.reporting.cancelDraft(r, state);
          return [text(CANCELLED_TEXT)];
        case 'submit': {
          const result = await this.reporting.submit(r, state, msg.deliveryId);
          if (result.kind === 'incomplete') return [this.prompt(result.state, 'Masih ada bagian yang belum diisi.')];
          return result.messages.map(text);
        }
      }
    });
  }

  /**
   * Runs a step against reporting. A storage failure (StorageUnavailableError: a full or read-only
   * data directory, a lock another process held too long) ends here, in one place: the reporter
   * is told the report could not be saved, the log gets the problem and its code, never the text.
   * Anything else is a bug and goes on to the adapter's generic apology.
   */
  async guard(task: () => Promise<OutgoingMessage[]>): Promise<OutgoingMessage[]> {
    try {
      return await task();
    } catch (err) {
      const storage = toStorageError(err);
      if (!storage) throw err;
      this.logger.error({ event: 'report_storage_failed', problem: storage.problem, code: storage.code, hint: storage.hint }, 'report storage failed');
      return [text(STORAGE_FAILURE_TEXT)];
    }
  }

  private async storeFiles(state: DraftState, attachments: IncomingAttachment[], caption: string, notices: string[]): Promise<DraftState> {
    const max = this.reporting.maxEvidenceBytes;
    let received = 0;
    const storedNow: string[] = [];
    for (const attachment of attachments) {
      if (!canAddFile(state)) {
        notices.push(`Maksimal ${LIMITS.maxFiles} berkas per laporan; berkas selebihnya tidak disimpan. Anda masih dapat mengirim tautan.`);
        break;
      }
      const label = evidenceLabel(attachment.kind, attachment.fileName);
      // Refuse before downloading when the platform already tells the size.
      if (attachment.size !== undefined && attachment.size > max) {
        notices.push(tooBigMessage(label, max));
        continue;
      }
      let bytes: Buffer;
      try {
        bytes = await attachment.load();
      } catch (err) {
        notices.push(err instanceof AttachmentTooLargeError ? tooBigMessage(label, max) : `Maaf, ${label} gagal diunduh. Silakan kirim ulang.`);
        continue;
      }
      let saved: EvidenceSaveResult;
      try {
        saved = await this.reporting.storeEvidence({
          bytes,
          kind: attachment.kind,
          mimeType: attachment.mimeType,
          fileName: attachment.fileName,
          description: caption || undefined,
        });
      } catch (err) {
        // The draft is not saved with this message's files: the ones already stored would be orphans.
        for (const file of storedNow) await this.reporting.removeEvidence(file);
        throw err;
      }
      if (!saved.ok) {
        notices.push(saved.message);
        continue;
      }
      storedNow.push(saved.file.fileName);
      state = addEvidenceFile(state, saved.file);
      received++;
    }
    if (received > 0) {
      const described = caption ? ` Keterangan "${caption.length > 80 ? `${caption.slice(0, 79)}…` : caption}" disimpan sebagai penjelasannya.` : '';
      notices.unshift(`Bukti diterima: ${received} berkas.${described}`);
    }
    return state;
  }

  private prompt(state: DraftState, notice?: string): OutgoingMessage {
    const v = view(state, this.reporting.flowContext());
    return { kind: 'text', text: notice ? `${notice}\n\n${v.text}` : v.text, choices: v.choices };
  }
}

/** In a group: never take details there; point to the private chat. */
export function groupRedirect(msg: IncomingMessage): OutgoingMessage {
  const where = msg.links
    ? `Silakan lanjutkan melalui chat pribadi dengan Netra: ${msg.links.report}`
    : 'Silakan kirim /lapor langsung kepada Netra melalui chat pribadi.';
  return text(`Demi melindungi identitas Anda, laporan tidak diterima di grup. ${where}\nJangan tuliskan rincian kejadian di grup ini.`);
}

function ref(msg: IncomingMessage): ReporterRef {
  return { channel: msg.channel, chatId: msg.chatId };
}

function text(value: string): OutgoingMessage {
  return { kind: 'text', text: value };
}
