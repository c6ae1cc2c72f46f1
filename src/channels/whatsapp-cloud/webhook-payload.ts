import { z } from 'zod';

/**
 * The parts of a Cloud API webhook notification Netra reads (`object: whatsapp_business_account`,
 * field `messages`). Unknown fields are kept out of the types but allowed, since Meta adds them;
 * a message of a type Netra does not handle (sticker, location, reaction …) parses with its type
 * and is ignored later, never rejected here. Delivery statuses and errors arrive in the same
 * notifications and are skipped.
 */

const media = z.object({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
});

export const WebhookMessage = z.object({
  from: z.string().regex(/^\d{5,20}$/),
  id: z.string().min(1),
  /** Unix seconds, as a string. */
  timestamp: z.coerce.number(),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
    })
    .optional(),
  /** A quick-reply button of a template message. */
  button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
  image: media.optional(),
  document: media.optional(),
  audio: media.extend({ voice: z.boolean().optional() }).optional(),
  video: media.optional(),
  /** Set when the message was sent in a group (Cloud API groups); Netra serves private chats only. */
  group_id: z.string().optional(),
});
export type WebhookMessage = z.infer<typeof WebhookMessage>;

const ChangeValue = z.object({
  messaging_product: z.literal('whatsapp').optional(),
  metadata: z.object({ phone_number_id: z.string(), display_phone_number: z.string().optional() }).optional(),
  messages: z.array(WebhookMessage).optional(),
});

export const WebhookNotification = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      id: z.string().optional(),
      changes: z.array(z.object({ field: z.string(), value: ChangeValue })),
    }),
  ),
});
export type WebhookNotification = z.infer<typeof WebhookNotification>;

/** The user messages of a notification for `phoneNumberId`, in the order Meta listed them. */
export function messagesOf(notification: WebhookNotification, phoneNumberId: string): WebhookMessage[] {
  const out: WebhookMessage[] = [];
  for (const entry of notification.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      // One app may serve several numbers; messages for another number are not Netra's.
      if (change.value.metadata && change.value.metadata.phone_number_id !== phoneNumberId) continue;
      out.push(...(change.value.messages ?? []));
    }
  }
  return out;
}
