/** The WhatsApp Cloud API channel (`WHATSAPP_MODE=cloud`): start it with {@link startWhatsAppCloud}. */
export { startWhatsAppCloud, CLOUD_FAILURE_TEXT, NO_TEMPLATE_WARNING, templateParameter } from './whatsapp-cloud-channel.js';
export type { WhatsAppCloudChannel, WhatsAppCloudDeps } from './whatsapp-cloud-channel.js';
export { GraphApiClient, type GraphApiClientOptions, type MediaInfo } from './graph-api-client.js';
export { GraphApiError, OUTSIDE_WINDOW_CODE } from './graph-api-error.js';
export { renderOutgoingCloud } from './format-outgoing-cloud.js';
export { CLOUD_LIMITS, type OutboundMessage } from './outbound-message.js';
export { isValidSignature, signatureFor } from './webhook-signature.js';
export { ServiceWindow, SERVICE_WINDOW_MS } from './service-window.js';
export { translateCloudMessage, chatIdOf, recipientOf } from './translate-cloud-message.js';
