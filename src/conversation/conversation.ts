import type { AnswerPipeline, Turn } from '../answer/pipeline.js';
import { hashUserId, type Logger } from '../logging/logger.js';
import type { ReportingService } from '../reporting/reporting-service.js';
import type { Metrics } from '../observability/metrics.js';
import type { QuestionLog } from '../storage/question-log.js';
import type { ConversationHandler } from './conversation-handler.js';
import { ConversationMemory } from './conversation-memory.js';
import type { Choice, IncomingMessage, OutgoingMessage } from './messages.js';

/** What only admins may run; the app implements them (re-index, statistics). */
export interface AdminOperations {
  reindex(): Promise<string>;
  statistics(): string;
}

export interface ConversationDeps {
  pipeline: AnswerPipeline;
  reporting: ReportingService;
  questionLog: QuestionLog;
  admin: AdminOperations;
  /** `/sumber`: what is indexed, with dates. */
  sources: () => string;
  logger: Logger;
  metrics?: Metrics;
}

const WELCOME = [
  'Selamat datang di Netra.',
  'Netra menjawab pertanyaan ASN (PNS, PPPK, dan CPNS) tentang apa yang boleh dan tidak boleh dilakukan terkait pemilu dan pilkada, dengan kutipan peraturan yang tepat. Contoh: "Bolehkah PNS like postingan caleg di Instagram?"',
  'Netra juga membantu menyiapkan laporan dugaan pelanggaran netralitas ASN (/lapor) dan memantau statusnya (/status <tiket>).',
  'Yang tidak bisa dilakukan Netra: memberi nasihat hukum, merekomendasikan partai atau calon, atau memutus perkara. Keputusan ada pada instansi Anda (PPK), BKN, dan Bawaslu.',
  'Perintah: /tanya <pertanyaan>, /lapor, /status <tiket>, /sumber, /batal, /bantuan.',
].join('\n\n');

const HELP = [
  'Cara memakai Netra:',
  '• Tulis pertanyaan Anda langsung (di grup: sebut nama bot, balas pesannya, atau pakai /tanya <pertanyaan>).',
  '• /lapor — menyiapkan laporan dugaan pelanggaran (dilakukan di chat pribadi).',
  '• /status <tiket> — melihat status laporan Anda, mis. /status NTR-7K3Q-92FD.',
  '• /sumber — peraturan dan berita yang menjadi dasar jawaban.',
  '• /batal — membatalkan laporan yang sedang dibuat; /kembali — kembali satu langkah.',
  'Jawaban Netra adalah informasi umum, bukan nasihat hukum.',
].join('\n');

const ADMIN_COMMANDS = new Set(['/reindex', '/statistik', '/laporan', '/ubahstatus']);
const REPORT_WISH = /^(saya |aku )?(mau|ingin|pengen|hendak|akan)\s+(melapor|lapor|melaporkan|membuat laporan|bikin laporan)\b/i;

/**
 * The channel-neutral conversation: commands, questions, feedback and the reporting flow.
 * Telegram, WhatsApp and the console all talk to this one class through {@link handle}.
 */
export class Conversation implements ConversationHandler {
  private readonly memory = new ConversationMemory();

  constructor(private readonly deps: ConversationDeps) {}

  async handle(msg: IncomingMessage): Promise<OutgoingMessage[]> {
    const text = msg.text.trim();
    if (msg.choiceId) return this.choice(msg, msg.choiceId);
    if (text.startsWith('/') || text.startsWith('!')) {
      const handled = await this.command(msg, text);
      if (handled) return handled;
    }
    if (this.deps.reporting.isInFlow(msg.channel, msg.chatId)) return this.deps.reporting.handle(msg);
    if (msg.attachments && msg.attachments.length > 0 && !text) {
      return [
        {
          kind: 'text',
          text: 'Netra membaca pesan teks. Jika file ini bukti dugaan pelanggaran, ketik /lapor terlebih dahulu, lalu kirim filenya saat diminta.',
        },
      ];
    }
    if (REPORT_WISH.test(text)) return this.deps.reporting.start(msg);
    return this.answer(msg, text);
  }

  private async command(msg: IncomingMessage, text: string): Promise<OutgoingMessage[] | undefined> {
    const [rawCommand = '', ...rest] = text.split(/\s+/);
    const command = `/${rawCommand.slice(1).split('@')[0]!.toLowerCase()}`;
    const args = rest.join(' ').trim();
    const reporting = this.deps.reporting;
    if (ADMIN_COMMANDS.has(command) && !msg.isAdmin) {
      return [{ kind: 'text', text: 'Maaf, perintah ini hanya untuk admin Netra.' }];
    }
    switch (command) {
      case '/start':
        if (args === 'lapor') return reporting.start(msg);
        return [{ kind: 'text', text: WELCOME }];
      case '/bantuan':
      case '/help':
        return [{ kind: 'text', text: HELP }];
      case '/tanya':
      case '/ask':
        if (!args) return [{ kind: 'text', text: 'Tulis pertanyaan Anda setelah /tanya, mis. /tanya Bolehkah PNS ikut kampanye?' }];
        return this.answer(msg, args);
      case '/lapor':
      case '/report':
        return reporting.start(msg);
      case '/batal':
      case '/kembali':
        if (reporting.isInFlow(msg.channel, msg.chatId)) return reporting.handle(msg);
        return [{ kind: 'text', text: 'Tidak ada laporan yang sedang Anda buat. Ketik /lapor untuk memulai.' }];
      case '/status':
        if (!args) return [{ kind: 'text', text: 'Tulis nomor tiket setelah /status, mis. /status NTR-7K3Q-92FD.' }];
        return reporting.status(msg, args);
      case '/sumber':
        return [{ kind: 'text', text: this.deps.sources() }];
      case '/reindex':
        return [{ kind: 'text', text: await this.deps.admin.reindex() }];
      case '/statistik':
        return [{ kind: 'text', text: this.deps.admin.statistics() }];
      case '/laporan':
      case '/ubahstatus': {
        const out = await reporting.handleAdmin(msg);
        return out ?? [{ kind: 'text', text: 'Perintah laporan tidak dikenali. Contoh: /laporan diterima, /ubahstatus NTR-XXXX-XXXX diteruskan catatan' }];
      }
      default:
        // In the reporting flow an unknown "/…" is treated as the answer to the current step.
        if (reporting.isInFlow(msg.channel, msg.chatId)) return undefined;
        return [{ kind: 'text', text: `Perintah ${command} tidak dikenal.\n\n${HELP}` }];
    }
  }

  private async choice(msg: IncomingMessage, choiceId: string): Promise<OutgoingMessage[]> {
    const feedback = /^feedback:(up|down):(\d+)$/.exec(choiceId);
    if (feedback) {
      this.deps.questionLog.recordFeedback(Number(feedback[2]), feedback[1] as 'up' | 'down', hashUserId(msg.channel, msg.userId));
      return [
        {
          kind: 'text',
          text:
            feedback[1] === 'up'
              ? 'Terima kasih atas masukan Anda.'
              : 'Terima kasih. Masukan Anda dicatat agar admin bisa memperbaiki pengetahuan Netra.',
        },
      ];
    }
    if (choiceId === 'report:start') {
      const last = this.memory.recent(memoryKey(msg)).at(-1);
      return this.deps.reporting.start(msg, last ? { description: last.question } : undefined);
    }
    if (this.deps.reporting.isInFlow(msg.channel, msg.chatId)) return this.deps.reporting.handle(msg);
    return [{ kind: 'text', text: 'Pilihan ini sudah tidak berlaku. Silakan tulis pertanyaan Anda atau ketik /bantuan.' }];
  }

  private async answer(msg: IncomingMessage, question: string): Promise<OutgoingMessage[]> {
    const key = memoryKey(msg);
    const history: Turn[] = this.memory.recent(key);
    const result = await this.deps.pipeline.ask(question, history);
    const { answer } = result;
    this.memory.remember(key, result.turn);
    let questionId: number | undefined;
    try {
      questionId = this.deps.questionLog.logQuestion({
        channel: msg.channel,
        chatHash: hashUserId(msg.channel, msg.chatId),
        question: answer.question,
        verdict: answer.verdict,
        citedSourceIds: answer.citations.map((c) => c.sourceId),
        latencyMs: Math.round(result.latencyMs),
      });
    } catch (err) {
      // Statistics are best effort: a locked or full database must not cost the user the answer.
      this.deps.logger.error({ err: (err as Error).message }, 'question log write failed');
    }
    this.deps.metrics?.recordAnswer(msg.channel, answer.verdict, result.latencyMs, result.composer, result.fellBack);
    this.deps.logger.info(
      {
        channel: msg.channel,
        user: hashUserId(msg.channel, msg.userId),
        verdict: answer.verdict,
        latencyMs: Math.round(result.latencyMs),
        retrieved: result.retrievedIds.slice(0, 5),
        card: result.cardId,
        composer: result.composer,
        fellBack: result.fellBack,
        droppedCitations: result.droppedCitations,
      },
      'question answered',
    );
    const choices: Choice[] =
      questionId === undefined
        ? []
        : [
            { id: `feedback:up:${questionId}`, label: '👍 Membantu' },
            { id: `feedback:down:${questionId}`, label: '👎 Kurang tepat' },
          ];
    if (answer.escalate) choices.push({ id: 'report:start', label: '📝 Laporkan pelanggaran' });
    return [{ kind: 'answer', answer, choices }];
  }
}

function memoryKey(msg: IncomingMessage): string {
  // In groups each person has their own thread of follow-ups.
  return `${msg.channel}:${msg.chatId}:${msg.userId}`;
}
