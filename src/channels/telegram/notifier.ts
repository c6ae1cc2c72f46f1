import type { Api } from 'grammy';
import type { Notifier } from '../../conversation/messages.js';
import { escapeAndSplit } from './html.js';

/**
 * The Telegram side of the {@link NotifierRegistry}: delivers report status changes and admin
 * notices as escaped HTML, split at Telegram's 4096-character limit.
 */
export function createTelegramNotifier(api: Api): Notifier {
  return {
    channel: 'telegram',
    async send(chatId: string, text: string): Promise<void> {
      for (const part of escapeAndSplit(text)) {
        if (part.trim() === '') continue;
        await api.sendMessage(chatId, part, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
      }
    },
  };
}
