import { hashUserId, type Logger } from '../../logging/logger.js';
import type { SharedChatState } from '../../storage/shared-chat-state.js';
import { SERVICE_WINDOW_MS, type ServiceWindow } from './service-window.js';

/** The 24-hour service window as the channel asks about it: in this process, or shared by every worker. */
export interface ServiceWindowLike {
  /** Records a message from `waId` sent at `sentAtMs`. */
  touch(waId: string, sentAtMs: number): Promise<void>;
  /** True while `waId`'s last message (to any worker) is less than 24 hours old. */
  isOpen(waId: string): Promise<boolean>;
}

/** The in-memory window of one process (SQLite, a single worker), behind the async interface. */
export function localServiceWindow(window: ServiceWindow): ServiceWindowLike {
  return {
    touch: async (waId, sentAtMs) => window.touch(waId, sentAtMs),
    isOpen: async (waId) => window.isOpen(waId),
  };
}

/**
 * The window shared through PostgreSQL: a user who wrote to worker A may get a status notice from
 * worker B as free text. Stored under a keyed hash of the number. `local` is always kept too and
 * answers while the store fails (then a window another worker saw counts as closed, which errs
 * on the side Meta allows).
 */
export function sharedServiceWindow(state: SharedChatState, local: ServiceWindow, logger: Logger, now: () => number): ServiceWindowLike {
  const keyOf = (waId: string) => hashUserId('whatsapp-window', waId);
  return {
    async touch(waId, sentAtMs) {
      local.touch(waId, sentAtMs);
      try {
        await state.touchWindow(keyOf(waId), new Date(Math.min(sentAtMs, now())).toISOString());
      } catch (err) {
        logger.warn({ event: 'shared_window_write_failed', err: (err as Error).name }, 'WhatsApp Cloud: jendela layanan hanya dicatat worker ini');
      }
    },
    async isOpen(waId) {
      try {
        const at = await state.loadWindow(keyOf(waId));
        return at !== undefined && now() - Date.parse(at) < SERVICE_WINDOW_MS;
      } catch (err) {
        logger.warn({ event: 'shared_window_read_failed', err: (err as Error).name }, 'WhatsApp Cloud: jendela layanan bersama tidak terbaca');
        return local.isOpen(waId);
      }
    },
  };
}
