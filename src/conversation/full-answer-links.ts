import { randomBytes } from 'node:crypto';

/**
 * Questions answered briefly in groups, so "Selengkapnya di chat pribadi" can open the full
 * answer there (`/start a<token>`): in this process ({@link RecentQuestions}) or shared by every
 * worker (SharedConversationState.answerLinks).
 */
export interface FullAnswerLinks {
  /** Remembers `question` and returns the token for its link (6–16 characters of [0-9a-z]). */
  add(question: string): Promise<string>;
  /** The question behind `token`, or undefined when it is not (or no longer) known. */
  get(token: string): Promise<string | undefined>;
}

/**
 * In memory only, newest 5,000: the question was public in the group already, and after a
 * restart the link just asks to type it again.
 */
export class RecentQuestions implements FullAnswerLinks {
  private readonly byToken = new Map<string, string>();

  async add(question: string): Promise<string> {
    const token = randomBytes(6).toString('hex');
    this.byToken.set(token, question);
    if (this.byToken.size > 5_000) this.byToken.delete(this.byToken.keys().next().value!);
    return token;
  }

  async get(token: string): Promise<string | undefined> {
    return this.byToken.get(token);
  }
}
