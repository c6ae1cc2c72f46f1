import readline from 'node:readline';
import type { ConversationHandler } from '../../conversation/conversation-handler.js';
import type { IncomingMessage, OutgoingMessage } from '../../conversation/messages.js';
import type { NotifierRegistry } from '../../conversation/notifier-registry.js';
import { formatAnswerText, formatChoices } from './format-answer-text.js';

const REPLY_WITH_NUMBER = { id: 'Balas dengan nomor:', en: 'Reply with a number:' } as const;

/**
 * The embedded default channel: a chat in the terminal. With a terminal it prompts; with piped
 * input it answers each line in order and ends at end of input. The operator at the console is
 * the machine's owner, so admin commands are allowed here. Lines go to the conversation as typed:
 * keywords ("lapor", "status NTR-…") and numbered replies are read there.
 */
export async function runConsoleChat(
  conversation: ConversationHandler,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
  notifiers?: NotifierRegistry,
): Promise<void> {
  const interactive = (input as NodeJS.ReadStream).isTTY === true;
  const rl = readline.createInterface({ input, output, terminal: interactive });
  // The reader went away (`npm start | head -1`, a closed terminal): stop answering, quietly.
  let closed = false;
  const onOutputError = (err: NodeJS.ErrnoException): void => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
    closed = true;
    rl.close();
  };
  output.on('error', onOutputError);
  const write = (s: string): void => {
    if (!closed) output.write(`${s}\n`);
  };
  // The console's reporter is the operator: a status change of their report is printed here.
  notifiers?.register({ channel: 'console', send: async (_chatId, text) => void write(`\n${text}\n`) });
  const message = (text: string): IncomingMessage => ({
    channel: 'console',
    chatId: 'console',
    userId: 'console',
    isPrivate: true,
    isAdmin: true,
    text,
  });
  const show = (replies: OutgoingMessage[]): void => {
    for (const reply of replies) {
      const rendered = render(reply);
      if (rendered) write(rendered);
      write('');
    }
  };
  if (interactive) {
    write('Netra — asisten netralitas ASN (mode offline). Tulis pertanyaan Anda; "lapor" untuk melaporkan pelanggaran, "keluar" untuk berhenti.\n');
  }
  // After a restart: say that a report is still open, and where.
  if (conversation.opening) show(await conversation.opening(message('')).catch(() => []));
  if (interactive) {
    rl.setPrompt('Anda > ');
    rl.prompt();
  }
  for await (const line of rl) {
    if (closed) break;
    const text = line.trim();
    if (/^(keluar|exit|quit)$/i.test(text)) break;
    if (!text) {
      if (interactive) rl.prompt();
      continue;
    }
    let replies: OutgoingMessage[];
    try {
      replies = await conversation.handle(message(text));
    } catch (err) {
      replies = [{ kind: 'text', text: `Maaf, terjadi kesalahan: ${(err as Error).message}` }];
    }
    show(replies);
    if (interactive) rl.prompt();
  }
  notifiers?.unregister('console');
  rl.close();
  // The listener stays: a write still buffered when the pipe closed may fail after this.
}

function render(reply: OutgoingMessage): string {
  if (reply.kind === 'ack') return reply.text ?? '';
  const choices = reply.choices?.filter((c) => c.url === undefined) ?? [];
  const language = reply.kind === 'answer' ? (reply.answer.language ?? 'id') : (reply.language ?? 'id');
  const body =
    reply.kind === 'answer' ? formatAnswerText(reply.answer, { followUpsAsChoices: choices.some((c) => c.id.startsWith('ask:')) }) : reply.text;
  return choices.length > 0 ? `${body}\n\n${REPLY_WITH_NUMBER[language]}\n${formatChoices(choices)}` : body;
}
