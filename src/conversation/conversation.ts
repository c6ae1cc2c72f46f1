import type { AnswerPipeline } from '../answer/pipeline.js';
import { hashUserId, type Logger } from '../logging/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ReportingService } from '../reporting/reporting-service.js';
import type { QuestionStore } from '../storage/question-store.js';
import { AdminCommands, ADMIN_ONLY_TEXT, mayRunAdmin, type AdminChat, type AdminOperations } from './admin-commands.js';
import { briefOf } from './answer-brief.js';
import { AskHandler, memoryKey, tooLongText } from './ask-handler.js';
import { choiceStyle } from './channel-traits.js';
import { type ChoiceOffers, OfferedChoices } from './choice-resolver.js';
import { helpText, parseCommand, type CommandName } from './command-registry.js';
import { CONTROL_TEXTS, feedbackChoices, FOLLOW_UP_PREFIX } from './controls.js';
import type { ConversationHandler } from './conversation-handler.js';
import { ConversationMemory } from './conversation-memory.js';
import { type FullAnswerLinks, RecentQuestions } from './full-answer-links.js';
import { chain, type ChatHandler, type TurnContext } from './handler-chain.js';
import type { Choice, IncomingMessage, Language, OutgoingMessage } from './messages.js';
import { PerChatOrder } from './per-chat-order.js';
import { FloodGuard, RATE_LIMITED_TEXTS } from './rate-limiter.js';
import { groupRedirect, ReportDialog, STORAGE_FAILURE_TEXT } from './report-dialog.js';
import type { SharedConversationState } from './shared-conversation-state.js';
import { greetingLanguage, smallTalkKind } from './small-talk.js';

export type { AdminOperations, AdminChat } from './admin-commands.js';

export interface ConversationDeps {
  pipeline: AnswerPipeline;
  reporting: ReportingService;
  questionLog: QuestionStore;
  admin: AdminOperations;
  /** `/sumber`: what is indexed, with dates. */
  sources: () => string;
  logger: Logger;
  metrics?: Metrics;
  /** Chats besides admins' private chats where admin commands run (`ADMIN_CHAT_ID`). */
  adminChats?: readonly AdminChat[];
  /** Messages (and button presses) one user may send per minute (`RATE_LIMIT_PER_MINUTE`). */
  rateLimitPerMinute?: number;
  /** Conversations kept in the follow-up memory; the least recently used go first. */
  memoryCapacity?: number;
  /** Clock in milliseconds (rate limit, memory expiry). */
  now?: () => number;
  /**
   * With several workers (PostgreSQL): one chat's messages are handled in order across workers;
   * the follow-up memory, the rate limit, the replies to delivered messages, the numbered options
   * and the full-answer links are shared. Without it all of these are this process's.
   */
  shared?: SharedConversationState;
}

const WELCOME = [
  'Selamat datang di Netra.',
  'Netra menjawab pertanyaan ASN (PNS, PPPK, dan CPNS) tentang apa yang boleh dan tidak boleh dilakukan terkait pemilu dan pilkada, dengan kutipan peraturan yang tepat. Contoh: "Bolehkah PNS like postingan caleg di Instagram?"',
  'Netra juga membantu menyiapkan laporan dugaan pelanggaran netralitas ASN (/lapor, di chat pribadi) dan memantau statusnya (/status).',
  'Yang tidak bisa dilakukan Netra: memberi nasihat hukum, merekomendasikan partai atau calon, atau memutus perkara. Keputusan ada pada instansi Anda (PPK), BKN, dan Bawaslu.',
  'Perintah: /tanya <pertanyaan>, /lapor, /status, /sumber, /batal, /bantuan.',
].join('\n\n');

const REPORT_WISH = /^(saya |aku )?(mau|ingin|pengen|hendak|akan)\s+(melapor|lapor|melaporkan|membuat laporan|bikin laporan)\b/i;

const GROUP_OFF_TOPIC: Record<Language, string> = {
  id: 'Netra hanya menjawab pertanyaan tentang netralitas ASN dalam pemilu dan pilkada.',
  en: 'Netra only answers questions about civil servants’ neutrality in elections.',
};
/** A greeting in a private chat: what Netra is for, without a verdict label or feedback buttons. */
const GREETING_REPLY: Record<Language, string> = {
  id: 'Halo! Saya Netra. Tanyakan apa saja tentang netralitas ASN dalam pemilu dan pilkada, misalnya "Bolehkah PNS like postingan caleg?". Saya menjawab dengan kutipan peraturan, dan bisa membantu menyiapkan laporan dugaan pelanggaran (ketik /lapor).',
  en: 'Hello! I am Netra. Ask me about civil servants’ neutrality in Indonesian elections, e.g. "May a civil servant like a candidate’s post?". I answer with citations of the regulations and can help prepare a violation report (type /lapor).',
};
/** A greeting or a bare mention in a group: one line on how to ask there (`!tanya` on WhatsApp). */
function groupGreeting(language: Language, msg: IncomingMessage): string {
  const tanya = msg.channel === 'whatsapp' ? '!tanya' : '/tanya';
  return language === 'en'
    ? `Hello! Mention me with your question about civil servants’ neutrality, or type ${tanya} <question>.`
    : `Halo! Sebut saya beserta pertanyaan Anda tentang netralitas ASN, atau ketik ${tanya} <pertanyaan>.`;
}
const THANKS_REPLY: Record<Language, string> = { id: 'Sama-sama 🙏', en: "You're welcome 🙏" };
const CHATTER_REPLY: Record<Language, string> = {
  id: '🙂 Silakan tulis pertanyaan Anda tentang netralitas ASN, atau ketik /bantuan.',
  en: '🙂 Ask me anything about civil servants’ neutrality in elections, or type /bantuan.',
};

/**
 * The channel-neutral conversation: a chain of small handlers — rate limit → admin guard →
 * commands → report dialog → choices (feedback, report button, follow-ups) → small talk → ask —
 * that every chat channel talks to through {@link handle}, one message of a chat at a time.
 * The HTTP API uses the same {@link asker} (same memory, log and metrics).
 */
export class Conversation implements ConversationHandler {
  /** The one path from a question to an answer; the HTTP API calls it too. */
  readonly asker: AskHandler;
  private readonly order = new PerChatOrder();
  private readonly flood: FloodGuard;
  private readonly offers: ChoiceOffers;
  private readonly dialog: ReportDialog;
  private readonly adminCommands: AdminCommands;
  private readonly fullAnswers: FullAnswerLinks;
  private readonly run: (ctx: TurnContext) => Promise<OutgoingMessage[]>;

  constructor(private readonly deps: ConversationDeps) {
    const now = deps.now ?? Date.now;
    this.asker = new AskHandler({
      pipeline: deps.pipeline,
      questionLog: deps.questionLog,
      memory: new ConversationMemory(deps.memoryCapacity, undefined, undefined, now),
      logger: deps.logger,
      metrics: deps.metrics,
      shared: deps.shared,
    });
    this.flood = new FloodGuard(deps.rateLimitPerMinute ?? 20, 60_000, now);
    const offers = new OfferedChoices(30 * 60_000, now);
    this.offers = deps.shared ? deps.shared.choiceOffers(offers) : offers;
    this.fullAnswers = deps.shared ? deps.shared.answerLinks(new RecentQuestions()) : new RecentQuestions();
    this.dialog = new ReportDialog(deps.reporting, deps.logger);
    this.adminCommands = new AdminCommands(deps.reporting, deps.admin);
    this.run = chain([
      this.rateLimit,
      this.adminGuard,
      this.commands,
      this.reportDialog,
      this.choices,
      this.filesOutsideReport,
      this.reportWish,
      this.smallTalk,
      this.ask,
    ]);
  }

  async handle(msg: IncomingMessage, deliver?: (replies: OutgoingMessage[]) => Promise<void>): Promise<OutgoingMessage[]> {
    return this.inOrder(msg, async () => {
      // Delivered again after its worker died unacknowledged: the same reply, not a second turn.
      const replayed = await this.deps.shared?.recordedReplies(msg);
      const out = replayed ?? (await this.run(this.context(msg)));
      if (!replayed) {
        await this.deps.shared?.recordReplies(msg, out);
        await this.rememberOffers(msg, out);
      }
      if (deliver) await deliver(out);
      return out;
    });
  }

  /**
   * One message of a chat at a time: in this process (a promise chain per chat) and, with a shared
   * store, across workers (the chat's lock), with the memory another worker saved loaded first.
   */
  private inOrder<T>(msg: IncomingMessage, task: () => Promise<T>): Promise<T> {
    const shared = this.deps.shared;
    if (!shared) return this.order.run(`${msg.channel}\u0000${msg.chatId}`, task);
    return this.order.run(`${msg.channel}\u0000${msg.chatId}`, () =>
      shared.inOrder(msg.channel, msg.chatId, async () => {
        await shared.pull(this.asker.memory, memoryKey(msg));
        return task();
      }),
    );
  }

  /**
   * What a chat shows when it opens (the console at start): after a restart, that a report is in
   * progress and at which step. Empty when there is nothing to say.
   */
  async opening(msg: IncomingMessage): Promise<OutgoingMessage[]> {
    return this.inOrder(msg, async () => {
      const out = await this.dialog.resumeNotice(msg);
      await this.rememberOffers(msg, out);
      return out;
    });
  }

  private context(msg: IncomingMessage): TurnContext {
    const text = msg.text.trim();
    const language = this.asker.memory.language(memoryKey(msg));
    if (msg.choiceId !== undefined) return { msg, text, language };
    const parsed = parseCommand(text, { plainKeywords: msg.isPrivate, admin: msg.isAdmin === true });
    if (!parsed) return { msg, text, language };
    if ('unknown' in parsed) return { msg, text, language, unknownCommand: parsed.unknown };
    return { msg, text, language, command: parsed };
  }

  // ---- the handlers, in chain order ----------------------------------------------------

  private readonly rateLimit: ChatHandler = async (ctx, next) => {
    const key = `${ctx.msg.channel}:${ctx.msg.userId}`;
    const shared = this.deps.shared ? await this.deps.shared.flood(key, this.deps.rateLimitPerMinute ?? 20, 60_000) : undefined;
    const verdict = shared ?? this.flood.check(key);
    if (verdict === 'allow') return next();
    this.deps.logger.info({ channel: ctx.msg.channel, user: hashUserId(ctx.msg.channel, ctx.msg.userId) }, 'rate limit reached');
    if (verdict === 'silent') return [];
    const text = RATE_LIMITED_TEXTS[ctx.language];
    // A button press gets a toast, not another message in the chat.
    return [ctx.msg.choiceId !== undefined ? { kind: 'ack', text, language: ctx.language } : { kind: 'text', text, language: ctx.language }];
  };

  private readonly adminGuard: ChatHandler = async (ctx, next) => {
    if (ctx.command?.spec.who === 'admin' && !mayRunAdmin(ctx.msg, this.deps.adminChats ?? [])) {
      return [{ kind: 'text', text: ADMIN_ONLY_TEXT }];
    }
    return next();
  };

  private readonly commands: ChatHandler = async (ctx, next) => {
    const { msg } = ctx;
    if (ctx.unknownCommand) {
      // In a report an unknown "/…" is taken as the answer to the current step.
      if ((await this.inReport(msg)) === true) return next();
      return [{ kind: 'text', text: `Perintah ${ctx.unknownCommand} tidak dikenal.\n\n${this.help(ctx)}`, language: ctx.language }];
    }
    const command = ctx.command;
    if (!command) return next();
    const name = command.spec.name;
    if (command.spec.where === 'private' && !msg.isPrivate) {
      if (name === 'lapor') return [groupRedirect(msg)];
      return [{ kind: 'text', text: 'Status laporan hanya dapat dilihat di chat pribadi dengan Netra.' }];
    }
    if (msg.isPrivate) {
      const active = await this.inReport(msg);
      if (active === 'error') return [{ kind: 'text', text: STORAGE_FAILURE_TEXT }];
      if (active) {
        if (command.spec.duringReport === 'dialog') return this.dialog.handle(msg, name as 'batal' | 'kembali' | 'lapor');
        if (command.spec.duringReport === 'blocked') {
          return this.dialog.handle({ ...msg, text: '', choiceId: undefined, attachments: undefined }).then((prompt) => [
            { kind: 'text', text: 'Anda sedang mengisi laporan. Selesaikan langkah ini, atau ketik /batal untuk membatalkan.' },
            ...prompt,
          ]);
        }
      }
    }
    return this.runCommand(ctx, name, command.args);
  };

  private readonly reportDialog: ChatHandler = async (ctx, next) => {
    if (!ctx.msg.isPrivate) return next();
    const active = await this.inReport(ctx.msg);
    // Storage cannot say whether a report is running: keep the text out of the pipeline.
    if (active === 'error') return [{ kind: 'text', text: STORAGE_FAILURE_TEXT }];
    if (active) return this.dialog.handle(ctx.msg);
    // No draft: maybe because this very message stored it (a confirmation delivered again).
    return (await this.dialog.repeatedConfirmation(ctx.msg)) ?? next();
  };

  private readonly choices: ChatHandler = async (ctx, next) => {
    const { msg } = ctx;
    let choiceId = msg.choiceId;
    let pressed = choiceId !== undefined;
    if (choiceId === undefined && choiceStyle(msg) === 'numbers' && ctx.text !== '' && !msg.attachments?.length) {
      choiceId = (await this.offers.resolve(memoryKey(msg), ctx.text))?.id;
      pressed = false;
    }
    if (choiceId === undefined) return next();
    return this.choose(ctx, choiceId, pressed);
  };

  private readonly filesOutsideReport: ChatHandler = async (ctx, next) => {
    if (ctx.msg.attachments && ctx.msg.attachments.length > 0 && ctx.text === '') {
      if (!ctx.msg.isPrivate) return [];
      return [
        {
          kind: 'text',
          text: 'Netra membaca pesan teks. Jika file ini bukti dugaan pelanggaran, ketik /lapor terlebih dahulu, lalu kirim filenya saat diminta.',
        },
      ];
    }
    return next();
  };

  private readonly reportWish: ChatHandler = async (ctx, next) => (REPORT_WISH.test(ctx.text) ? this.dialog.start(ctx.msg) : next());

  private readonly smallTalk: ChatHandler = async (ctx, next) => {
    const kind = smallTalkKind(ctx.text);
    if (!kind) return next();
    if (kind === 'greeting') {
      const language = greetingLanguage(ctx.text) ?? ctx.language;
      const text = ctx.msg.isPrivate ? GREETING_REPLY[language] : groupGreeting(language, ctx.msg);
      return [{ kind: 'text', text, language }];
    }
    if (kind === 'thanks') return [{ kind: 'text', text: THANKS_REPLY[ctx.language], language: ctx.language }];
    // In a group, laughter and "ok" are for the people there, not for Netra.
    return ctx.msg.isPrivate ? [{ kind: 'text', text: CHATTER_REPLY[ctx.language], language: ctx.language }] : [];
  };

  private readonly ask: ChatHandler = async (ctx) => this.answer(ctx, ctx.text);

  // ---- commands and choices -----------------------------------------------------------------

  private async runCommand(ctx: TurnContext, name: CommandName, args: string): Promise<OutgoingMessage[]> {
    const { msg } = ctx;
    switch (name) {
      case 'start': {
        if (args === 'lapor') return this.dialog.start(msg);
        const remembered = /^a([0-9a-z]{6,16})$/.exec(args);
        if (remembered) {
          const question = await this.fullAnswers.get(remembered[1]!);
          if (question) return this.answer(ctx, question);
          return [{ kind: 'text', text: 'Pertanyaan itu sudah tidak tersimpan. Silakan tulis ulang pertanyaan Anda di sini.' }];
        }
        return [{ kind: 'text', text: WELCOME }];
      }
      case 'bantuan':
        return [{ kind: 'text', text: this.help(ctx), language: ctx.language }];
      case 'tanya':
        if (!args) return [{ kind: 'text', text: 'Tulis pertanyaan Anda setelah /tanya, mis. /tanya Bolehkah PNS ikut kampanye?' }];
        return this.answer(ctx, args);
      case 'lapor':
        return this.dialog.start(msg);
      case 'batal':
      case 'kembali':
        return [{ kind: 'text', text: 'Tidak ada laporan yang sedang Anda buat. Ketik /lapor untuk memulai.' }];
      case 'status':
        return this.dialog.guard(async () => [
          { kind: 'text', text: args ? await this.deps.reporting.reporterStatus(msg, args) : await this.deps.reporting.reporterTickets(msg) },
        ]);
      case 'sumber':
        return [{ kind: 'text', text: this.deps.sources() }];
      case 'reindex':
      case 'statistik':
      case 'laporan':
      case 'ubahstatus':
        return this.dialog.guard(async () => [{ kind: 'text', text: await this.adminCommands.run(name, args, msg) }]);
    }
  }

  private async choose(ctx: TurnContext, choiceId: string, pressed: boolean): Promise<OutgoingMessage[]> {
    const { msg } = ctx;
    const language = ctx.language;
    const t = CONTROL_TEXTS[language];
    const feedback = /^feedback:(up|down):(\d+)$/.exec(choiceId);
    if (feedback) {
      try {
        await this.deps.questionLog.recordFeedback(Number(feedback[2]), feedback[1] as 'up' | 'down', hashUserId(msg.channel, msg.userId));
      } catch (err) {
        // A vote is statistics: a locked database must not turn it into an error message.
        this.deps.logger.error({ err: (err as Error).message }, 'feedback write failed');
      }
      return [{ kind: 'ack', text: feedback[1] === 'up' ? t.thanksUp : t.thanksDown, dropChoices: 'feedback:', language }];
    }
    if (choiceId === 'report:start') {
      if (!msg.isPrivate) return [{ kind: 'ack', text: t.reportPrivately, ...(msg.links ? { url: msg.links.report } : {}), language }];
      return this.dialog.start(msg, { description: this.asker.memory.lastQuestion(memoryKey(msg)) });
    }
    if (choiceId.startsWith(FOLLOW_UP_PREFIX)) {
      const question = choiceId.slice(FOLLOW_UP_PREFIX.length);
      if (question.trim() !== '') return this.answer(ctx, question);
    }
    return [pressed ? { kind: 'ack', text: t.staleChoice, language } : { kind: 'text', text: t.staleChoice, language }];
  }

  // ---- answering ------------------------------------------------------------------------------

  private async answer(ctx: TurnContext, question: string): Promise<OutgoingMessage[]> {
    const { msg } = ctx;
    const outcome = await this.asker.ask(msg, question);
    if (outcome.kind === 'too_long') return [{ kind: 'text', text: tooLongText(outcome.length, outcome.max, ctx.language), language: ctx.language }];
    const { answer } = outcome.result;
    const language: Language = answer.language ?? 'id';
    const t = CONTROL_TEXTS[language];
    const style = choiceStyle(msg);
    const feedback = outcome.questionId !== undefined && style !== 'none' ? feedbackChoices(outcome.questionId, language) : [];

    if (!msg.isPrivate) {
      if (answer.verdict === 'di_luar_topik') return [{ kind: 'text', text: GROUP_OFF_TOPIC[language], language }];
      const token = await this.fullAnswers.add(answer.question);
      const brief = briefOf(answer, msg.links?.fullAnswer(token, answer.question));
      const choices: Choice[] = [...feedback];
      if (answer.escalate && msg.links) {
        if (style === 'buttons') choices.push({ id: 'report:start', label: t.report, url: msg.links.report });
        else brief.reportLink = msg.links.report;
      }
      return [{ kind: 'answer', answer, brief, choices }];
    }

    const followUps: Choice[] =
      style === 'none' ? [] : (answer.followUps ?? []).filter((q) => q.trim() !== '').map((q) => ({ id: `${FOLLOW_UP_PREFIX}${q}`, label: q }));
    const choices: Choice[] = [...feedback, ...followUps];
    if (answer.escalate) choices.push({ id: 'report:start', label: t.report });
    return [{ kind: 'answer', answer, choices }];
  }

  private help(ctx: TurnContext): string {
    return helpText(ctx.language, { admin: mayRunAdmin(ctx.msg, this.deps.adminChats ?? []), plainKeywords: ctx.msg.isPrivate });
  }

  /** Whether the chat has an unfinished report; 'error' when storage cannot tell. */
  private async inReport(msg: IncomingMessage): Promise<boolean | 'error'> {
    if (!msg.isPrivate) return false;
    try {
      return await this.dialog.active(msg);
    } catch (err) {
      this.deps.logger.error({ event: 'report_storage_failed', error: err instanceof Error ? err.name : 'Error' }, 'report storage failed');
      return 'error';
    }
  }

  /** Numbered replies refer to the last options shown in that chat. */
  private async rememberOffers(msg: IncomingMessage, out: OutgoingMessage[]): Promise<void> {
    if (choiceStyle(msg) !== 'numbers') return;
    let offered: Choice[] = [];
    for (const o of out) if (o.kind !== 'ack' && o.choices && o.choices.length > 0) offered = o.choices;
    // Nothing new offered (an ack, a silent turn) leaves the earlier options valid.
    if (out.length === 0 || out.every((o) => o.kind === 'ack')) return;
    await this.offers.remember(memoryKey(msg), offered);
  }
}
