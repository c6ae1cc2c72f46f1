/**
 * Messages that are not questions: thanks, laughter, "ok", emoji. In a group they must not draw
 * a long refusal with buttons; Netra stays quiet or says one short line.
 */
export type SmallTalk = 'greeting' | 'thanks' | 'chatter';

const THANKS = /^(makasih|makasi|mksh|terima ?kasih|terimakasih|trims|tq|thx|thanks|thank you|thank u|nuhun|matur nuwun|suwun|tengkyu)\b/i;
const CHATTER =
  /^(\d{1,2}|(w+k+)+|(h+a+)+h*|(h+e+)+h*|(h+i+)+h*|lol|lmao|ok(e|ey|ay)?|sip|siap|mantap|mantul|baik|noted|oh|oke deh|ya|iya|y|yup|betul|setuju|👍|🙏|😂|🤣|😁|😄)[\s!.]*$/i;

/** "halo", "selamat pagi pak", "hi Netra": a greeting alone, with at most a form of address after it. */
const GREETING =
  /^(halo+|hallo+|hai+|hi+|hello+|hey+|helo+|selamat (pagi|siang|sore|malam)|pagi|siang|sore|malam|assalamu.?alaikum( wr\.? ?wb\.?)?|permisi|punten|tes|test|ping)([\s,]+(pak|bu|bapak|ibu|kak|kakak|min|admin|mas|mbak|gan|sob|semua|semuanya|all|netra|bot))*[\s!.,🙏👋]*$/iu;
const ENGLISH_GREETING = /^(hi+|hello+|hey+)\b/i;

/**
 * What kind of small talk `text` is, or undefined for anything else (a question). An empty text
 * (a bare mention of the bot in a group) counts as a greeting.
 */
export function smallTalkKind(text: string): SmallTalk | undefined {
  const t = text.trim();
  if (t === '') return 'greeting';
  if (t.length <= 50 && GREETING.test(t)) return 'greeting';
  // Emoji, punctuation and spaces only.
  if (!/[\p{L}\p{N}]/u.test(t)) return 'chatter';
  if (t.length <= 60 && THANKS.test(t) && !/\?/.test(t)) return 'thanks';
  if (t.length <= 40 && CHATTER.test(t)) return 'chatter';
  return undefined;
}

/** The language a greeting was written in, when it says so ("hello"); otherwise undefined. */
export function greetingLanguage(text: string): 'en' | undefined {
  return ENGLISH_GREETING.test(text.trim()) ? 'en' : undefined;
}
