import { type Answer, provenanceNote, VERDICT_LABELS } from '../../answer/answer-contract.js';
import type { Choice } from '../../conversation/messages.js';

/** An answer as plain text for a terminal (and for `npm run ask`). */
export function formatAnswerText(answer: Answer): string {
  const lang = answer.language ?? 'id';
  const lines = [`[${VERDICT_LABELS[lang][answer.verdict]}]`, '', answer.answer];
  if (answer.citations.length > 0) {
    lines.push('', lang === 'en' ? 'Sources:' : 'Dasar:');
    answer.citations.forEach((c, i) => {
      lines.push(`${i + 1}. ${c.title} — ${c.ref}`, `   “${c.quote}”`);
      const note = provenanceNote(c, lang);
      if (note) lines.push(`   ${note}`);
      const link = c.sourceUrl ?? c.url;
      if (link) lines.push(`   ${link}`);
    });
  }
  if (answer.followUps && answer.followUps.length > 0) {
    lines.push('', lang === 'en' ? 'You could also ask:' : 'Pertanyaan lanjutan:', ...answer.followUps.map((f) => `• ${f}`));
  }
  return lines.join('\n');
}

/** Numbered options for the console (the user types the number). */
export function formatChoices(choices: Choice[]): string {
  return choices.map((c, i) => `  ${i + 1}) ${c.label}`).join('\n');
}
