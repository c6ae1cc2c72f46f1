import { MAX_QUESTION_CHARS, type AnswerPipeline, type PipelineResult } from '../answer/pipeline.js';
import { hashUserId, type Logger } from '../logging/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { QuestionStore } from '../storage/question-store.js';
import type { ConversationMemory } from './conversation-memory.js';
import type { ChannelName } from './messages.js';
import type { SharedConversationState } from './shared-conversation-state.js';

/** Who asks: the memory key is per person and chat, so in a group each member has their own follow-ups. */
export interface Asker {
  channel: ChannelName;
  chatId: string;
  userId: string;
}

export type AskOutcome =
  | { kind: 'answered'; result: PipelineResult; questionId?: number }
  /** Longer than {@link MAX_QUESTION_CHARS}: refused, never cut silently. */
  | { kind: 'too_long'; length: number; max: number };

export interface AskHandlerDeps {
  pipeline: AnswerPipeline;
  questionLog: QuestionStore;
  memory: ConversationMemory;
  logger: Logger;
  metrics?: Metrics;
  /** With several workers (PostgreSQL): the memory is read from and saved to the shared store. */
  shared?: SharedConversationState;
}

/** The memory key of an asker. */
export function memoryKey(who: Asker): string {
  return `${who.channel}:${who.chatId}:${who.userId}`;
}

/**
 * The one path from a question to an answer for every channel and the HTTP API: the length limit,
 * the conversation memory (the pipeline's own turns, handed back), the question log, the metrics
 * and the log line without the question text.
 */
export class AskHandler {
  constructor(private readonly deps: AskHandlerDeps) {}

  /** The shared memory (the HTTP API and the chat channels read and write the same one). */
  get memory(): ConversationMemory {
    return this.deps.memory;
  }

  async ask(who: Asker, question: string, options: { remember?: boolean } = {}): Promise<AskOutcome> {
    const length = question.trim().length;
    if (length > MAX_QUESTION_CHARS) return { kind: 'too_long', length, max: MAX_QUESTION_CHARS };
    const remember = options.remember ?? true;
    const key = memoryKey(who);
    if (remember && this.deps.shared) await this.deps.shared.pull(this.deps.memory, key);
    const result = await this.deps.pipeline.ask(question, remember ? this.deps.memory.recent(key) : []);
    const { answer } = result;
    if (remember) {
      this.deps.memory.remember(key, result.turn, { question: answer.question, language: answer.language ?? 'id' });
      if (this.deps.shared) await this.deps.shared.push(this.deps.memory, key);
    }
    let questionId: number | undefined;
    try {
      questionId = await this.deps.questionLog.logQuestion({
        channel: who.channel,
        chatHash: hashUserId(who.channel, who.chatId),
        question: answer.question,
        verdict: answer.verdict,
        citedSourceIds: answer.citations.map((c) => c.sourceId),
        latencyMs: Math.round(result.latencyMs),
      });
    } catch (err) {
      // Statistics are best effort: a locked or full database must not cost the user the answer.
      this.deps.logger.error({ err: (err as Error).message }, 'question log write failed');
    }
    this.deps.metrics?.recordAnswer(who.channel, answer.verdict, result.latencyMs, result.composer, result.fellBack);
    this.deps.logger.info(
      {
        channel: who.channel,
        user: hashUserId(who.channel, who.userId),
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
    return { kind: 'answered', result, ...(questionId !== undefined ? { questionId } : {}) };
  }
}

/** What a chat user is told when a question is over the limit. */
export function tooLongText(length: number, max: number, language: 'id' | 'en'): string {
  const n = (x: number) => x.toLocaleString(language === 'en' ? 'en-US' : 'id-ID');
  return language === 'en'
    ? `Your question is too long (${n(length)} characters; at most ${n(max)}). Please shorten it. To report an incident, type /lapor: a report's description may be longer and sent in several messages.`
    : `Pertanyaan Anda terlalu panjang (${n(length)} karakter; maksimal ${n(max)}). Mohon persingkat. Bila Anda ingin melaporkan kejadian, ketik /lapor: uraian laporan boleh lebih panjang dan dikirim dalam beberapa pesan.`;
}
