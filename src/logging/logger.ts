import pino, { type Logger } from 'pino';
import { pseudonymizeUser } from '../privacy/pseudonym.js';

export type { Logger };

/**
 * Structured JSON logs on stderr (stdout stays free for the console chat and `npm run ask`).
 * Never log report content, phone numbers or raw user ids: use {@link hashUserId}.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'netra' }, redact: ['phone', 'text', 'content'] }, pino.destination(2));
}

/** A logger that drops everything, for tests and one-shot CLI commands. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * A stable pseudonym for a user or chat, so logs and statistics correlate without exposing who
 * asked: a keyed HMAC under NETRA_ID_SECRET (or the generated secret in the data directory), not
 * reversible by hashing candidate phone numbers.
 */
export function hashUserId(channel: string, id: string): string {
  return pseudonymizeUser(channel, id);
}
