/** The WhatsApp channel (whatsapp-web.js): start it with {@link startWhatsApp}. */
export { startWhatsApp, WHATSAPP_QR_FILE, WHATSAPP_FAILURE_TEXT } from './whatsapp-channel.js';
export type { WhatsAppChannel, WhatsAppDeps, WhatsAppTimers } from './whatsapp-channel.js';
export {
  createWhatsAppClient,
  assertChromiumExists,
  CHROMIUM_ARGS,
} from './create-whatsapp-client.js';
export type { WhatsAppClientOptions, WhatsAppWebClient } from './create-whatsapp-client.js';
export type {
  WhatsAppClientLike,
  WhatsAppMessageLike,
  WhatsAppMediaLike,
  WhatsAppQuotedLike,
  WhatsAppWidLike,
  WhatsAppLidAndPhone,
} from './whatsapp-client-like.js';
export {
  formatAnswerWhatsApp,
  formatBriefWhatsApp,
  formatChoicesWhatsApp,
  renderOutgoingWhatsApp,
  WHATSAPP_MAX_MESSAGE_CHARS,
} from './format-answer-whatsapp.js';
