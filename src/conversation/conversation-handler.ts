import type { IncomingMessage, OutgoingMessage } from './messages.js';

/**
 * The one thing a channel adapter talks to. Adapters translate platform updates into
 * {@link IncomingMessage}s and render the returned {@link OutgoingMessage}s; all decisions
 * (answering, the reporting flow, commands, feedback) happen behind this interface.
 */
export interface ConversationHandler {
  handle(message: IncomingMessage): Promise<OutgoingMessage[]>;
}
