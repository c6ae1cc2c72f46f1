/**
 * Splits a long message into parts no longer than `max`, cutting at paragraph boundaries
 * first, then at line ends, then at spaces, so that no part breaks a sentence mid-word.
 * Telegram's limit is 4096 characters; WhatsApp's is larger but long bubbles read badly.
 */
export function splitMessage(text: string, max = 4096): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf('\n\n');
    if (cut < max * 0.3) cut = window.lastIndexOf('\n');
    if (cut < max * 0.3) cut = window.lastIndexOf(' ');
    if (cut <= 0) cut = max;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}
