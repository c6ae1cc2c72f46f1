/**
 * The Telegram channel: translates Telegram updates into `IncomingMessage`s for the
 * conversation and renders its replies as Telegram HTML. No business logic lives here.
 */
export {
  createTelegramBot,
  startTelegram,
  DEFAULT_WEBHOOK_PORT,
  TelegramStartError,
  type TelegramDeps,
  type TelegramHandle,
} from './telegram-bot.js';
export { ALLOWED_UPDATES, EXPIRED_BUTTON_TEXT, FAILURE_TEXT } from './bot-runtime.js';
export { formatAnswerHtml, formatBriefHtml, formatTextHtml } from './format-answer-html.js';
export { escapeHtml } from './html.js';
export { createTelegramNotifier } from './notifier.js';
export { AttachmentTooLargeError } from '../../conversation/messages.js';
export { PUBLIC_COMMANDS, ADMIN_COMMANDS } from './commands.js';
