import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { menuCommands } from '../../conversation/command-registry.js';
import type { Logger } from '../../logging/logger.js';

/** The command menu everyone sees, in Indonesian (the default) and English, from the command registry. */
export const PUBLIC_COMMANDS: Record<'id' | 'en', BotCommand[]> = {
  id: menuCommands('id', false),
  en: menuCommands('en', false),
};

/** The menu in the admins' chats: the public commands and the admin ones. */
export const ADMIN_MENU: Record<'id' | 'en', BotCommand[]> = {
  id: menuCommands('id', true),
  en: menuCommands('en', true),
};

/** The admin commands alone (for documentation and tests). */
export const ADMIN_COMMANDS: Record<'id' | 'en', BotCommand[]> = {
  id: ADMIN_MENU.id.filter((c) => !PUBLIC_COMMANDS.id.some((p) => p.command === c.command)),
  en: ADMIN_MENU.en.filter((c) => !PUBLIC_COMMANDS.en.some((p) => p.command === c.command)),
};

/**
 * Publishes the command menus. Admin menus are set per admin chat; an admin who has never
 * opened the bot makes Telegram answer "chat not found", which is expected and only logged.
 * Nothing here stops the bot from starting: a missing menu is cosmetic.
 */
export async function registerCommands(api: Api, adminChatIds: readonly string[], logger: Logger): Promise<void> {
  try {
    await api.setMyCommands(PUBLIC_COMMANDS.id);
    await api.setMyCommands(PUBLIC_COMMANDS.en, { language_code: 'en' });
  } catch (err) {
    logger.warn({ error: errorMessage(err) }, 'menu perintah Telegram gagal dipasang');
  }
  for (const chatId of new Set(adminChatIds)) {
    const scope = { type: 'chat', chat_id: Number(chatId) } as const;
    try {
      await api.setMyCommands(ADMIN_MENU.id, { scope });
      await api.setMyCommands(ADMIN_MENU.en, { scope, language_code: 'en' });
    } catch (err) {
      logger.info({ error: errorMessage(err) }, 'menu admin belum bisa dipasang untuk satu chat admin (belum pernah membuka bot?)');
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
