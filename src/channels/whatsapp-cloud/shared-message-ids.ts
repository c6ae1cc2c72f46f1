import { hashUserId, type Logger } from '../../logging/logger.js';
import type { SharedChatState } from '../../storage/shared-chat-state.js';
import type { RecentIds } from './recent-ids.js';

/** Whether a Cloud API message is new: for this process, or across every worker. */
export interface MessageIdsLike {
  /** True the first time any worker takes `id` in, false for a repeat. */
  firstTime(id: string): Promise<boolean>;
}

/** The in-memory ids of one process (SQLite, a single worker), behind the async interface. */
export function localMessageIds(ids: RecentIds): MessageIdsLike {
  return { firstTime: async (id) => ids.firstTime(id) };
}

/**
 * Message ids claimed in PostgreSQL: Meta delivering one message twice, to two workers, gets it
 * answered once (the first claim wins). This process's own ids are checked first, without a
 * query; while the store fails, they are all that is checked.
 */
export function sharedMessageIds(state: SharedChatState, local: RecentIds, logger: Logger, now: () => number): MessageIdsLike {
  return {
    async firstTime(id) {
      if (!local.firstTime(id)) return false;
      try {
        return await state.claimMessage(hashUserId('cloud-message', id), new Date(now()).toISOString());
      } catch (err) {
        logger.warn({ event: 'shared_message_claim_failed', err: (err as Error).name }, 'WhatsApp Cloud: id pesan hanya diperiksa worker ini');
        return true;
      }
    },
  };
}
