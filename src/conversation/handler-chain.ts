import type { ParsedCommand } from './command-registry.js';
import type { IncomingMessage, Language, OutgoingMessage } from './messages.js';

/** What the handlers of one message share: the message, its command (if any) and the chat's language. */
export interface TurnContext {
  msg: IncomingMessage;
  /** The trimmed text. */
  text: string;
  command?: ParsedCommand;
  /** An unknown `/word`, answered with the help text. */
  unknownCommand?: string;
  language: Language;
}

/** One small step of the conversation: answer, or pass the message on with `next()`. */
export type ChatHandler = (ctx: TurnContext, next: () => Promise<OutgoingMessage[]>) => Promise<OutgoingMessage[]>;

/** Runs `handlers` in order, grammY-style: each decides to answer or to call the next. */
export function chain(handlers: readonly ChatHandler[]): (ctx: TurnContext) => Promise<OutgoingMessage[]> {
  const run = (i: number, ctx: TurnContext): Promise<OutgoingMessage[]> => {
    const handler = handlers[i];
    if (!handler) return Promise.resolve([]);
    return handler(ctx, () => run(i + 1, ctx));
  };
  return (ctx) => run(0, ctx);
}
