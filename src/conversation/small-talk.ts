/**
 * Messages that are not questions: thanks, laughter, "ok", emoji. In a group they must not draw
 * a long refusal with buttons; Netra stays quiet or says one short line.
 */
export type SmallTalk = 'thanks' | 'chatter';

const THANKS = /^(makasih|makasi|mksh|terima ?kasih|terimakasih|trims|tq|thx|thanks|thank you|thank u|nuhun|matur nuwun|suwun|tengkyu)\b/i;
const CHATTER =
  /^(\d{1,2}|(w+k+)+|(h+a+)+h*|(h+e+)+h*|(h+i+)+h*|lol|lmao|ok(e|ey|ay)?|sip|siap|mantap|mantul|baik|noted|oh|oke deh|ya|iya|y|yup|betul|setuju|👍|🙏|😂|🤣|😁|😄)[\s!.]*$/i;

export function smallTalkKind(text: string): SmallTalk | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  // Emoji, punctuation and spaces only.
  if (!/[\p{L}\p{N}]/u.test(t)) return 'chatter';
  if (t.length <= 60 && THANKS.test(t) && !/\?/.test(t)) return 'thanks';
  if (t.length <= 40 && CHATTER.test(t)) return 'chatter';
  return undefined;
}
