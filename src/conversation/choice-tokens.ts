import { randomBytes } from 'node:crypto';

/**
 * Short tokens for choice ids too long for a channel's button data (Telegram's 64 bytes of
 * `callback_data`: a follow-up question offered as a button). Kept in this process
 * ({@link RecentChoiceTokens}) or shared by every worker (SharedConversationState.choiceTokens),
 * so a button drawn by one worker works when the press reaches another.
 */
export interface ChoiceTokens {
  /** A token standing for choice `id` (16 characters of [A-Za-z0-9_-]). */
  tokenFor(id: string): Promise<string>;
  /** The choice id behind `token`, or undefined when it is not (or no longer) known. */
  idOf(token: string): Promise<string | undefined>;
}

/** A new random token: random rather than counted, so tokens of different workers never collide. */
export function newChoiceToken(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * In memory only, the newest `capacity` ids: enough for buttons a user presses within a session
 * of one process; after a restart the button says it has expired. The same id gets the same token.
 */
export class RecentChoiceTokens implements ChoiceTokens {
  private readonly byToken = new Map<string, string>();
  private readonly byId = new Map<string, string>();

  constructor(private readonly capacity = 10_000) {}

  async tokenFor(id: string): Promise<string> {
    const known = this.byId.get(id);
    if (known !== undefined) return known;
    const token = newChoiceToken();
    this.byToken.set(token, id);
    this.byId.set(id, token);
    if (this.byToken.size > this.capacity) {
      const oldest = this.byToken.keys().next().value;
      if (oldest !== undefined) {
        this.byId.delete(this.byToken.get(oldest) ?? '');
        this.byToken.delete(oldest);
      }
    }
    return token;
  }

  async idOf(token: string): Promise<string | undefined> {
    return this.byToken.get(token);
  }
}
