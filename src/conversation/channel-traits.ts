import type { IncomingMessage } from './messages.js';

/**
 * How a chat can show choices: Telegram has buttons everywhere; WhatsApp (unofficial client) and
 * the console have none, so options are numbered and the user replies with the number — which
 * works only in a private chat, since in a WhatsApp group a plain "1" never reaches the bot.
 * The HTTP API shows none. WhatsApp's Cloud API adapter shows real buttons and lists but stays
 * `numbers` here: a press carries the choice id, and a typed number still works.
 */
export type ChoiceStyle = 'buttons' | 'numbers' | 'none';

export function choiceStyle(msg: Pick<IncomingMessage, 'channel' | 'isPrivate'>): ChoiceStyle {
  switch (msg.channel) {
    case 'telegram':
      return 'buttons';
    case 'whatsapp':
      return msg.isPrivate ? 'numbers' : 'none';
    case 'console':
      return 'numbers';
    case 'http':
      return 'none';
  }
}
