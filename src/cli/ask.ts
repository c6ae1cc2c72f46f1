import readline from 'node:readline';
import type { Answer } from '../answer/answer-contract.js';
import { AnswerPipeline } from '../answer/pipeline.js';
import { LlmComposer } from '../answer/llm-composer.js';
import { formatAnswerText } from '../channels/console/format-answer-text.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { ensureIndex } from '../retrieval/ensure-index.js';

/**
 * `npm run ask -- "pertanyaan"` prints one formatted answer; `--json` prints the answer contract;
 * `--json --stdin` answers one question per input line with one JSON object per output line, in
 * order, loading the index once.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const stdin = args.includes('--stdin');
  const question = args.filter((a) => !a.startsWith('--')).join(' ').trim();
  if (!stdin && !question) {
    console.error('Pemakaian: npm run ask -- [--json] "pertanyaan"   atau   npm run ask -- --json --stdin < pertanyaan.txt');
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger('warn');
  const index = await ensureIndex(config);
  const pipeline = new AnswerPipeline({
    index: () => index,
    composer: config.llm ? new LlmComposer(config.llm, logger) : undefined,
    today: config.today,
    logger,
  });
  const print = async (q: string) => {
    let answer: Answer;
    try {
      ({ answer } = await pipeline.ask(q));
    } catch (err) {
      // One failing question must not end a batch: its line still gets an honest answer.
      logger.error({ err: (err as Error).message }, 'question failed');
      answer = {
        question: q,
        verdict: 'tidak_pasti',
        answer: 'Maaf, terjadi kesalahan saat menyiapkan jawaban. Silakan coba lagi atau tanyakan kepada bagian kepegawaian instansi Anda.',
        citations: [],
        escalate: false,
        language: 'id',
      };
    }
    process.stdout.write(`${json ? JSON.stringify(answer) : formatAnswerText(answer)}\n`);
  };
  if (!stdin) {
    await print(question);
    return 0;
  }
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    // One output line per input line keeps the output aligned with the questions, even for blank lines.
    await print(line);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `Gagal: ${(err as Error).message}`);
    process.exit(1);
  },
);
