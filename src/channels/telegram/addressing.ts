import type { Message, MessageEntity } from 'grammy/types';

/** What the adapter needs to know about its own bot account. */
export interface BotIdentity {
  id: number;
  username: string;
}

/**
 * Decides whether a message is meant for the bot and returns its text as the conversation
 * should see it, or undefined when the bot must stay silent.
 *
 * Private chats: everything is for the bot. Groups: only a mention of the bot, a reply to
 * one of its messages, or a command. Mentions and `@BotName` suffixes are removed; a
 * command is lower-cased and `/start lapor` (the deep link from a group) becomes `/lapor`.
 * A command addressed to another bot (`/tanya@OtherBot`) is never ours.
 */
export function addressedText(message: Message, me: BotIdentity, isPrivate: boolean): string | undefined {
  const raw = message.text ?? message.caption ?? '';
  const entities: readonly MessageEntity[] = message.entities ?? message.caption_entities ?? [];

  let addressed = isPrivate || message.reply_to_message?.from?.id === me.id;
  const edits: Array<{ from: number; to: number; insert: string }> = [];

  const command = entities.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (command) {
    const [name = '', target] = raw.slice(0, command.length).split('@');
    if (target !== undefined && target.toLowerCase() !== me.username.toLowerCase()) return undefined;
    edits.push({ from: 0, to: command.length, insert: name.toLowerCase() });
    addressed = true;
  }
  for (const entity of entities) {
    if (!isMentionOf(entity, raw, me)) continue;
    // "@NetraBot, bolehkah…": the comma belonged to the mention.
    const end = entity.offset + entity.length;
    edits.push({ from: entity.offset, to: /[,:]/.test(raw.charAt(end)) ? end + 1 : end, insert: '' });
    addressed = true;
  }
  if (!addressed) return undefined;

  // Apply from the end so earlier offsets stay valid.
  let text = raw;
  for (const edit of edits.sort((a, b) => b.from - a.from)) {
    text = text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
  }
  text = text.replace(/[ \t]{2,}/g, ' ').trim();
  if (/^\/start\s+lapor$/i.test(text)) text = '/lapor';
  return text;
}

function isMentionOf(entity: MessageEntity, text: string, me: BotIdentity): boolean {
  if (entity.type === 'text_mention') return entity.user.id === me.id;
  if (entity.type !== 'mention') return false;
  return text.slice(entity.offset, entity.offset + entity.length).toLowerCase() === `@${me.username.toLowerCase()}`;
}
