import { randomBytes } from 'node:crypto';

/**
 * Crockford base32: no I, L, O or U, so a ticket read aloud or copied by hand is not misread.
 * 32 symbols = 5 bits each, so masking random bytes keeps every symbol equally likely.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PATTERN = /^NTR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/**
 * A new ticket `NTR-XXXX-XXXX` with 40 random bits: tickets are not sequential, so knowing one
 * tells nothing about another. Uniqueness is still checked by the database (UNIQUE column).
 */
export function generateTicket(random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(8);
  let body = '';
  for (let i = 0; i < 8; i++) body += ALPHABET[bytes[i]! & 31];
  return `NTR-${body.slice(0, 4)}-${body.slice(4)}`;
}

/**
 * Reads what a user typed as a ticket: case, spaces and missing dashes are forgiven, and the
 * look-alikes O→0 and I/L→1 are mapped as Crockford base32 intends. Returns undefined when it
 * cannot be a ticket. Being forgiving means an 8-letter word (e.g. "diterima") also normalises,
 * so callers that accept other words must check those first.
 */
export function normalizeTicket(input: string): string | undefined {
  let s = input.trim().toUpperCase().replace(/[\s_–—-]+/g, '');
  if (s.startsWith('NTR')) s = s.slice(3);
  if (s.length !== 8) return undefined;
  s = s.replace(/O/g, '0').replace(/[IL]/g, '1');
  const ticket = `NTR-${s.slice(0, 4)}-${s.slice(4)}`;
  return PATTERN.test(ticket) ? ticket : undefined;
}
