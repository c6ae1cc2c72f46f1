import type { Language } from './messages.js';

/**
 * Every command Netra knows, once: its name, the other spellings people use, who may run it,
 * where, and its help text in Indonesian and English. The Telegram menu, WhatsApp's `!x` and
 * plain keywords, the console's keywords and `/bantuan` are all generated from this list, so
 * adding a command is one entry here (plus its handler in the conversation).
 */

export type CommandName =
  | 'start'
  | 'bantuan'
  | 'tanya'
  | 'lapor'
  | 'status'
  | 'sumber'
  | 'batal'
  | 'kembali'
  | 'reindex'
  | 'statistik'
  | 'laporan'
  | 'ubahstatus';

export interface CommandSpec {
  name: CommandName;
  /** Other names typed after `/` or `!` ("help" for bantuan, "report" for lapor). */
  aliases: readonly string[];
  /**
   * Words that run the command without `/` or `!` in a private chat ("lapor", "menu", "batal").
   * Without {@link keywordArgs} the word must stand alone, so a question that merely starts
   * with "status …" stays a question.
   */
  keywords: readonly string[];
  /** The arguments a plain keyword may carry (e.g. a ticket after "status"). */
  keywordArgs?: RegExp;
  /** `admin`: only senders the adapter verified, and only in a private chat or the admin chat. */
  who: 'anyone' | 'admin';
  /** `private`: in a group it answers with a pointer to the private chat instead. */
  where: 'anywhere' | 'private';
  /** What an unfinished report does with it: the report dialog handles it, it runs, or it waits. */
  duringReport: 'dialog' | 'allowed' | 'blocked';
  /** Shown in the Telegram menu and in `/bantuan`. */
  menu: boolean;
  /** How to type it, e.g. "/status <tiket>". */
  usage: string;
  help: Record<Language, string>;
}

const TICKET_ARG = /^(?:NTR[- ]?)?[0-9A-Z]{4}[- ]?[0-9A-Z]{4}$/i;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'start',
    aliases: ['mulai'],
    keywords: [],
    who: 'anyone',
    where: 'anywhere',
    duringReport: 'allowed',
    menu: true,
    usage: '/start',
    help: { id: 'Mulai dan kenali Netra', en: 'Start and meet Netra' },
  },
  {
    name: 'bantuan',
    aliases: ['help', 'menu'],
    keywords: ['bantuan', 'menu', 'help'],
    who: 'anyone',
    where: 'anywhere',
    duringReport: 'allowed',
    menu: true,
    usage: '/bantuan',
    help: { id: 'Cara memakai Netra', en: 'How to use Netra' },
  },
  {
    name: 'tanya',
    aliases: ['ask'],
    keywords: [],
    who: 'anyone',
    where: 'anywhere',
    duringReport: 'blocked',
    menu: true,
    usage: '/tanya <pertanyaan>',
    help: {
      id: 'Tanya soal netralitas ASN, mis. /tanya bolehkah PNS ikut kampanye?',
      en: 'Ask about civil servant neutrality, e.g. /tanya may I join a campaign?',
    },
  },
  {
    name: 'lapor',
    aliases: ['report'],
    keywords: ['lapor', 'laporkan'],
    who: 'anyone',
    where: 'private',
    duringReport: 'dialog',
    menu: true,
    usage: '/lapor',
    help: { id: 'Laporkan dugaan pelanggaran netralitas ASN (di chat pribadi)', en: 'Report a suspected neutrality violation (in a private chat)' },
  },
  {
    name: 'status',
    aliases: [],
    keywords: ['status'],
    keywordArgs: TICKET_ARG,
    who: 'anyone',
    where: 'private',
    duringReport: 'allowed',
    menu: true,
    usage: '/status [tiket]',
    help: { id: 'Status laporan Anda: /status NTR-… (tanpa tiket: daftar laporan Anda)', en: 'Your reports: /status NTR-… (without a ticket: your list)' },
  },
  {
    name: 'sumber',
    aliases: ['sources'],
    keywords: ['sumber'],
    who: 'anyone',
    where: 'anywhere',
    duringReport: 'blocked',
    menu: true,
    usage: '/sumber',
    help: { id: 'Peraturan yang menjadi rujukan Netra', en: 'Regulations Netra cites' },
  },
  {
    name: 'batal',
    aliases: ['cancel'],
    keywords: ['batal', 'batalkan'],
    who: 'anyone',
    where: 'anywhere',
    duringReport: 'dialog',
    menu: true,
    usage: '/batal',
    help: { id: 'Batalkan laporan yang sedang dibuat (ditanya dulu)', en: 'Cancel the report in progress (asks first)' },
  },
  {
    name: 'kembali',
    aliases: ['back'],
    keywords: ['kembali'],
    who: 'anyone',
    where: 'anywhere',
    duringReport: 'dialog',
    menu: false,
    usage: '/kembali',
    help: { id: 'Kembali satu langkah saat membuat laporan', en: 'Go back one step in a report' },
  },
  {
    name: 'reindex',
    aliases: [],
    keywords: ['reindex'],
    who: 'admin',
    where: 'anywhere',
    duringReport: 'blocked',
    menu: true,
    usage: '/reindex',
    help: { id: 'Admin: bangun ulang indeks pengetahuan', en: 'Admin: rebuild the knowledge index' },
  },
  {
    name: 'statistik',
    aliases: ['stats'],
    keywords: ['statistik'],
    who: 'admin',
    where: 'anywhere',
    duringReport: 'blocked',
    menu: true,
    usage: '/statistik',
    help: { id: 'Admin: statistik pertanyaan dan laporan', en: 'Admin: question and report statistics' },
  },
  {
    name: 'laporan',
    aliases: ['reports'],
    keywords: ['laporan'],
    keywordArgs: /^(?:diterima|diverifikasi|diteruskan|selesai|ditolak|(?:NTR[- ]?)?[0-9A-Z]{4}[- ]?[0-9A-Z]{4})$/i,
    who: 'admin',
    where: 'anywhere',
    duringReport: 'blocked',
    menu: true,
    usage: '/laporan [status|tiket]',
    help: { id: 'Admin: daftar laporan, atau satu laporan', en: 'Admin: latest reports, or one report' },
  },
  {
    name: 'ubahstatus',
    aliases: [],
    keywords: ['ubahstatus'],
    keywordArgs: /^(?:NTR[- ]?)?[0-9A-Z]{4}[- ]?[0-9A-Z]{4}\s+\S+/i,
    who: 'admin',
    where: 'anywhere',
    duringReport: 'blocked',
    menu: true,
    usage: '/ubahstatus <tiket> <status> [catatan]',
    help: { id: 'Admin: ubah status laporan', en: 'Admin: change a report status' },
  },
];

/** A command found in a message. */
export interface ParsedCommand {
  spec: CommandSpec;
  /** Everything after the command word, trimmed. */
  args: string;
}

const BY_WORD = new Map<string, CommandSpec>();
for (const spec of COMMANDS) for (const word of [spec.name, ...spec.aliases]) BY_WORD.set(word, spec);

/** The command with this name. */
export function commandSpec(name: CommandName): CommandSpec {
  return COMMANDS.find((c) => c.name === name)!;
}

/**
 * Reads a command from a message: `/lapor`, `!status NTR-…`, `/tanya@NetraBot …` anywhere, and
 * in a private chat also a plain keyword (`lapor`, `menu`, `status NTR-…`; admin keywords only for
 * admins). An unknown `/word`
 * comes back as `unknown` so the conversation can say so; anything else is not a command.
 */
export function parseCommand(
  text: string,
  options: { plainKeywords: boolean; admin?: boolean },
): ParsedCommand | { unknown: string } | undefined {
  const trimmed = text.trim();
  const prefixed = /^[/!]([A-Za-z_]+)(?:@\S+)?(?:\s+([\s\S]*))?$/.exec(trimmed);
  if (prefixed) {
    const word = prefixed[1]!.toLowerCase();
    const spec = BY_WORD.get(word);
    if (!spec) return trimmed.startsWith('/') ? { unknown: `/${word}` } : undefined;
    return { spec, args: (prefixed[2] ?? '').trim() };
  }
  if (!options.plainKeywords) return undefined;
  const plain = /^([A-Za-z]+)(?:\s+([\s\S]*))?$/.exec(trimmed.replace(/[.!]+$/, ''));
  if (!plain) return undefined;
  const word = plain[1]!.toLowerCase();
  // Admin keywords ("laporan") are ordinary words for everyone else.
  const spec = COMMANDS.find((c) => c.keywords.includes(word) && (c.who === 'anyone' || options.admin === true));
  if (!spec) return undefined;
  const args = (plain[2] ?? '').trim();
  if (args !== '' && !spec.keywordArgs?.test(args)) return undefined;
  return { spec, args };
}

/** True when `text` starts with a known `/command` or `!command` (WhatsApp groups answer those unaddressed). */
export function isCommandText(text: string): boolean {
  const parsed = parseCommand(text, { plainKeywords: false });
  return parsed !== undefined && 'spec' in parsed;
}

/** The command menu for Telegram's setMyCommands: public commands, plus the admin ones for admin chats. */
export function menuCommands(language: Language, forAdmins: boolean): { command: string; description: string }[] {
  return COMMANDS.filter((c) => c.menu && (forAdmins || c.who === 'anyone')).map((c) => ({ command: c.name, description: c.help[language] }));
}

/** `/bantuan`: one line per command, in the conversation's language; admin lines only for admins. */
export function helpText(language: Language, options: { admin: boolean; plainKeywords: boolean }): string {
  const lines = COMMANDS.filter((c) => c.menu && c.name !== 'start' && (c.who === 'anyone' || options.admin)).map(
    (c) => `• ${c.usage} — ${c.help[language]}`,
  );
  if (language === 'en') {
    return [
      'How to use Netra:',
      '• Write your question directly (in a group: mention the bot, reply to its message, or use /tanya <question>).',
      ...lines,
      options.plainKeywords ? 'In this chat you can also type the words without "/", e.g. lapor, status, batal.' : '',
      "Netra's answers are general information, not legal advice.",
    ]
      .filter(Boolean)
      .join('\n');
  }
  return [
    'Cara memakai Netra:',
    '• Tulis pertanyaan Anda langsung (di grup: sebut nama bot, balas pesannya, atau pakai /tanya <pertanyaan>).',
    ...lines,
    options.plainKeywords ? 'Di chat ini perintah juga boleh diketik tanpa "/", mis. lapor, status, batal.' : '',
    'Jawaban Netra adalah informasi umum, bukan nasihat hukum.',
  ]
    .filter(Boolean)
    .join('\n');
}
