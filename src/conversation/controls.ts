import type { Choice, Language } from './messages.js';

/**
 * The words on Netra's own controls, in the conversation's language: an English conversation
 * gets "👍 Helpful", not "👍 Membantu". Answers carry their language; everything said around
 * them follows it.
 */
export const CONTROL_TEXTS = {
  id: {
    helpful: '👍 Membantu',
    notHelpful: '👎 Kurang tepat',
    report: '📝 Laporkan pelanggaran',
    thanksUp: 'Terima kasih atas masukan Anda.',
    thanksDown: 'Terima kasih. Masukan Anda dicatat agar admin bisa memperbaiki pengetahuan Netra.',
    staleChoice: 'Pilihan ini sudah tidak berlaku. Silakan tulis pertanyaan Anda atau ketik /bantuan.',
    reportPrivately: 'Laporan dibuat di chat pribadi dengan Netra, agar identitas Anda terlindungi.',
  },
  en: {
    helpful: '👍 Helpful',
    notHelpful: '👎 Not quite right',
    report: '📝 Report a violation',
    thanksUp: 'Thank you for your feedback.',
    thanksDown: "Thank you. Your feedback is recorded so the admins can improve Netra's knowledge.",
    staleChoice: 'This option has expired. Please type your question or /bantuan.',
    reportPrivately: 'Reports are made in a private chat with Netra, to protect your identity.',
  },
} as const satisfies Record<Language, Record<string, string>>;

/** The 👍/👎 pair for the answer with question-log id `questionId`. */
export function feedbackChoices(questionId: number, language: Language): Choice[] {
  const t = CONTROL_TEXTS[language];
  return [
    { id: `feedback:up:${questionId}`, label: t.helpful },
    { id: `feedback:down:${questionId}`, label: t.notHelpful },
  ];
}

/** The id prefix of follow-up questions offered as choices; the rest of the id is the question. */
export const FOLLOW_UP_PREFIX = 'ask:';
