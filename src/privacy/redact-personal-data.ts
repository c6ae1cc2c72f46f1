/**
 * Removes what identifies a person from free text before it is stored (the question log keeps
 * questions to find gaps in the knowledge base, not to know who typed what). Patterns, in order:
 * e-mail addresses, NIP (18 digits, also written 8-6-1-3 with spaces), NIK (16 digits), phone
 * numbers (+62 / 62 / 0 followed by 8–13 digits, with spaces, dots or dashes).
 */
const RULES: [RegExp, string][] = [
  [/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu, '[EMAIL]'],
  [/(?<!\d)\d{8}[\s.-]?\d{6}[\s.-]?\d[\s.-]?\d{3}(?!\d)/g, '[NIP]'],
  [/(?<!\d)\d{16}(?!\d)/g, '[NIK]'],
  [/(?<![\d+])(?:\+62|62|0)[\s.-]?8\d{1,3}(?:[\s.-]?\d{2,4}){2,4}(?!\d)/g, '[TELEPON]'],
];

export function redactPersonalData(text: string): string {
  let out = text;
  for (const [pattern, label] of RULES) out = out.replace(pattern, label);
  return out;
}
