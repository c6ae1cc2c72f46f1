import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Logger } from '../../logging/logger.js';

/** The command menu everyone sees, in Indonesian (the default) and English. */
export const PUBLIC_COMMANDS: Record<'id' | 'en', BotCommand[]> = {
  id: [
    { command: 'start', description: 'Mulai dan kenali Netra' },
    { command: 'bantuan', description: 'Cara memakai Netra' },
    { command: 'tanya', description: 'Tanya soal netralitas ASN, mis. /tanya bolehkah PNS ikut kampanye?' },
    { command: 'lapor', description: 'Laporkan dugaan pelanggaran netralitas ASN' },
    { command: 'status', description: 'Cek status laporan: /status NTR-…' },
    { command: 'sumber', description: 'Peraturan yang menjadi rujukan Netra' },
    { command: 'batal', description: 'Batalkan langkah yang sedang berjalan' },
  ],
  en: [
    { command: 'start', description: 'Start and meet Netra' },
    { command: 'bantuan', description: 'How to use Netra' },
    { command: 'tanya', description: 'Ask about civil servant neutrality, e.g. /tanya may I join a campaign?' },
    { command: 'lapor', description: 'Report a suspected neutrality violation' },
    { command: 'status', description: 'Check a report: /status NTR-…' },
    { command: 'sumber', description: 'Regulations Netra cites' },
    { command: 'batal', description: 'Cancel the current step' },
  ],
};

/** Extra commands shown only in the admins' chats. */
export const ADMIN_COMMANDS: Record<'id' | 'en', BotCommand[]> = {
  id: [
    { command: 'reindex', description: 'Admin: bangun ulang indeks pengetahuan' },
    { command: 'statistik', description: 'Admin: statistik pertanyaan dan laporan' },
    { command: 'laporan', description: 'Admin: daftar laporan terbaru' },
    { command: 'ubahstatus', description: 'Admin: ubah status laporan' },
  ],
  en: [
    { command: 'reindex', description: 'Admin: rebuild the knowledge index' },
    { command: 'statistik', description: 'Admin: question and report statistics' },
    { command: 'laporan', description: 'Admin: latest reports' },
    { command: 'ubahstatus', description: 'Admin: change a report status' },
  ],
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
      await api.setMyCommands([...PUBLIC_COMMANDS.id, ...ADMIN_COMMANDS.id], { scope });
      await api.setMyCommands([...PUBLIC_COMMANDS.en, ...ADMIN_COMMANDS.en], { scope, language_code: 'en' });
    } catch (err) {
      logger.info({ error: errorMessage(err) }, 'menu admin belum bisa dipasang untuk satu chat admin (belum pernah membuka bot?)');
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
