import type { IncomingMessage, OutgoingMessage } from './messages.js';

/**
 * The one thing a channel adapter talks to. Adapters translate platform updates into
 * {@link IncomingMessage}s and render the returned {@link OutgoingMessage}s; all decisions
 * (answering, the reporting flow, commands, feedback) happen behind this interface.
 */
export interface ConversationHandler {
  handle(message: IncomingMessage): Promise<OutgoingMessage[]>;
  /**
   * What to show when a chat opens without a message (the console at start): e.g. that a report
   * is still in progress after a restart. Optional for test doubles.
   */
  opening?(message: IncomingMessage): Promise<OutgoingMessage[]>;
}
