import type { IncomingMessage, OutgoingMessage } from './messages.js';

/**
 * The one thing a channel adapter talks to. Adapters translate platform updates into
 * {@link IncomingMessage}s and render the returned {@link OutgoingMessage}s; all decisions
 * (answering, the reporting flow, commands, feedback) happen behind this interface.
 */
export interface ConversationHandler {
  /**
   * Handles one message and resolves with the replies. With `deliver`, the handler also sends
   * them through it before resolving, while the chat's order is still held: with several
   * workers, the replies to one message are out before the next message of that chat is handled
   * anywhere, even when the platform was acknowledged early (a slow answer). A handler that
   * never calls `deliver` (a test double) leaves sending to the caller.
   */
  handle(message: IncomingMessage, deliver?: (replies: OutgoingMessage[]) => Promise<void>): Promise<OutgoingMessage[]>;
  /**
   * What to show when a chat opens without a message (the console at start): e.g. that a report
   * is still in progress after a restart. Optional for test doubles.
   */
  opening?(message: IncomingMessage): Promise<OutgoingMessage[]>;
}
