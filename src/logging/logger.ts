import { createHash } from 'node:crypto';
import pino, { type Logger } from 'pino';

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

/** A stable, non-reversible id for a user, so logs can be correlated without exposing who asked. */
export function hashUserId(channel: string, id: string): string {
  return createHash('sha256').update(`netra:${channel}:${id}`).digest('hex').slice(0, 12);
}
