import readline from 'node:readline';
import type { ConversationHandler } from '../../conversation/conversation-handler.js';
import type { Choice, OutgoingMessage } from '../../conversation/messages.js';
import { formatAnswerText, formatChoices } from './format-answer-text.js';

const CONSOLE_COMMANDS = new Set(['lapor', 'batal', 'kembali', 'bantuan', 'sumber', 'status', 'statistik', 'reindex', 'laporan', 'ubahstatus', 'start']);

/**
 * The embedded default channel: a chat in the terminal. With a terminal it prompts; with piped
 * input it answers each line in order and ends at end of input. The operator at the console is
 * the machine's owner, so admin commands are allowed here.
 */
export async function runConsoleChat(
  conversation: ConversationHandler,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const interactive = (input as NodeJS.ReadStream).isTTY === true;
  const rl = readline.createInterface({ input, output, terminal: interactive });
  const write = (s: string) => output.write(`${s}\n`);
  let choices: Choice[] = [];
  if (interactive) {
    write('Netra — asisten netralitas ASN (mode offline). Tulis pertanyaan Anda; "lapor" untuk melaporkan pelanggaran, "keluar" untuk berhenti.\n');
    rl.setPrompt('Anda > ');
    rl.prompt();
  }
  for await (const line of rl) {
    const text = line.trim();
    if (/^(keluar|exit|quit)$/i.test(text)) break;
    if (!text) {
      if (interactive) rl.prompt();
      continue;
    }
    const picked = /^\d{1,2}$/.test(text) ? choices[Number(text) - 1] : undefined;
    const first = text.split(/\s+/)[0]!.toLowerCase();
    const normalized = !picked && CONSOLE_COMMANDS.has(first) ? `/${text}` : text;
    let replies: OutgoingMessage[];
    try {
      replies = await conversation.handle({
        channel: 'console',
        chatId: 'console',
        userId: 'console',
        isPrivate: true,
        isAdmin: true,
        text: picked ? '' : normalized,
        ...(picked ? { choiceId: picked.id } : {}),
      });
    } catch (err) {
      replies = [{ kind: 'text', text: `Maaf, terjadi kesalahan: ${(err as Error).message}` }];
    }
    choices = [];
    for (const reply of replies) {
      write(reply.kind === 'answer' ? formatAnswerText(reply.answer) : reply.text);
      if (reply.choices && reply.choices.length > 0) {
        choices = reply.choices;
        write(`\nBalas dengan nomor:\n${formatChoices(reply.choices)}`);
      }
      write('');
    }
    if (interactive) rl.prompt();
  }
  rl.close();
}
