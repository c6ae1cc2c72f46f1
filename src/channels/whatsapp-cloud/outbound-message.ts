/**
 * The message shapes Netra sends through the Cloud API (`POST /{phone-number-id}/messages`),
 * without the `messaging_product` and `recipient_type` fields the client adds. `to` is the
 * user's WhatsApp id (digits, country code first).
 */
export type OutboundMessage =
  | { to: string; type: 'text'; text: { body: string; preview_url: boolean } }
  | { to: string; type: 'interactive'; interactive: ButtonsInteractive | ListInteractive }
  | { to: string; type: 'template'; template: TemplatePayload };

export interface ButtonsInteractive {
  type: 'button';
  body: { text: string };
  action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> };
}

export interface ListInteractive {
  type: 'list';
  body: { text: string };
  action: { button: string; sections: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }> };
}

export interface TemplatePayload {
  name: string;
  language: { code: string };
  components: Array<{ type: 'body'; parameters: Array<{ type: 'text'; text: string }> }>;
}

/** The Cloud API's limits, in characters (Meta's interactive-message and text-message references). */
export const CLOUD_LIMITS = {
  /** A text message body. */
  text: 4096,
  /** The body of an interactive (buttons or list) message. */
  interactiveBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listRows: 10,
  listButton: 20,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  /** One template body parameter (Meta refuses newlines and tabs in it). */
  templateParameter: 1024,
} as const;
