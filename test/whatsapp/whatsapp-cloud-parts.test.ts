import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderOutgoingCloud } from '../../src/channels/whatsapp-cloud/format-outgoing-cloud.js';
import { GraphApiClient } from '../../src/channels/whatsapp-cloud/graph-api-client.js';
import { GraphApiError } from '../../src/channels/whatsapp-cloud/graph-api-error.js';
import { RecentIds } from '../../src/channels/whatsapp-cloud/recent-ids.js';
import { SERVICE_WINDOW_MS, ServiceWindow } from '../../src/channels/whatsapp-cloud/service-window.js';
import { recipientOf, translateCloudMessage } from '../../src/channels/whatsapp-cloud/translate-cloud-message.js';
import { WebhookMessage } from '../../src/channels/whatsapp-cloud/webhook-payload.js';
import { isValidSignature, signatureFor } from '../../src/channels/whatsapp-cloud/webhook-signature.js';
import { startWhatsAppCloud, templateParameter } from '../../src/channels/whatsapp-cloud/whatsapp-cloud-channel.js';
import { ConfigError, DEFAULT_GRAPH_API_BASE_URL, loadConfig } from '../../src/config/config.js';
import type { ConversationHandler } from '../../src/conversation/conversation-handler.js';
import { AttachmentTooLargeError, type Choice } from '../../src/conversation/messages.js';
import { NotifierRegistry } from '../../src/conversation/notifier-registry.js';
import { silentLogger } from '../../src/logging/logger.js';
import { deliverWebhook, FAKE_APP_SECRET, FAKE_PHONE_NUMBER_ID, FAKE_TOKEN, FakeGraphApi, inboundMessage, notification } from '../support/fake-graph-api.js';

const CLOUD_ENV = {
  WHATSAPP_ENABLED: 'true',
  WHATSAPP_MODE: 'cloud',
  WHATSAPP_CLOUD_ACCESS_TOKEN: 'EAAG-secret-token',
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: '106540352242922',
  WHATSAPP_CLOUD_APP_SECRET: 'app-secret-value',
  WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-token',
};

describe('WhatsApp Cloud configuration', () => {
  it('keeps whatsapp-web.js by default and reads the Cloud API settings with WHATSAPP_MODE=cloud', () => {
    expect(loadConfig({ WHATSAPP_ENABLED: 'true' }).whatsapp?.cloud).toBeUndefined();
    const cloud = loadConfig({ ...CLOUD_ENV, WHATSAPP_CLOUD_STATUS_TEMPLATE: 'netra_status_laporan:id' }).whatsapp?.cloud;
    expect(cloud?.apiBaseUrl).toBe(DEFAULT_GRAPH_API_BASE_URL);
    expect(cloud?.webhook).toEqual({ host: '127.0.0.1', port: 8445, path: '/whatsapp/webhook' });
    expect(cloud?.statusTemplate).toEqual({ name: 'netra_status_laporan', language: 'id' });
    expect(loadConfig({ ...CLOUD_ENV, WHATSAPP_CLOUD_API_BASE_URL: 'http://127.0.0.1:9/v23.0/' }).whatsapp?.cloud?.apiBaseUrl).toBe('http://127.0.0.1:9/v23.0');
  });

  it('names the missing variable and where to find it, and never echoes a secret', () => {
    const { WHATSAPP_CLOUD_APP_SECRET: _, ...withoutSecret } = CLOUD_ENV;
    expect(() => loadConfig(withoutSecret)).toThrow(/WHATSAPP_CLOUD_APP_SECRET — App secret/);
    expect(() => loadConfig({ ...CLOUD_ENV, WHATSAPP_CLOUD_STATUS_TEMPLATE: 'Status Laporan' })).toThrow(ConfigError);
    try {
      loadConfig({ ...CLOUD_ENV, WHATSAPP_CLOUD_PHONE_NUMBER_ID: 'abc' });
    } catch (err) {
      expect((err as Error).message).toMatch(/WHATSAPP_CLOUD_PHONE_NUMBER_ID="abc"/);
      expect((err as Error).message).not.toContain('EAAG-secret-token');
    }
  });
});

describe('the webhook signature', () => {
  const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
  it('accepts the HMAC-SHA256 of the raw body under the app secret, and nothing else', () => {
    expect(isValidSignature(body, signatureFor(body, 's3cret'), 's3cret')).toBe(true);
    expect(isValidSignature(body, signatureFor(body, 'other'), 's3cret')).toBe(false);
    expect(isValidSignature(Buffer.from(`${body} `), signatureFor(body, 's3cret'), 's3cret')).toBe(false);
    expect(isValidSignature(body, undefined, 's3cret')).toBe(false);
    expect(isValidSignature(body, 'sha256=zz', 's3cret')).toBe(false);
    expect(isValidSignature(body, signatureFor(body, 's3cret').replace('sha256=', 'sha1='), 's3cret')).toBe(false);
  });
});

describe('the Graph API client', () => {
  let graph: FakeGraphApi;
  const sleeps: number[] = [];
  beforeAll(async () => {
    graph = await new FakeGraphApi().start();
  });
  afterAll(() => graph.close());
  const client = (token = FAKE_TOKEN) =>
    new GraphApiClient({ baseUrl: graph.baseUrl, accessToken: token, phoneNumberId: FAKE_PHONE_NUMBER_ID, sleep: async (ms) => void sleeps.push(ms) });
  const hello = { to: '6281234500001', type: 'text' as const, text: { body: 'halo', preview_url: false } };

  it('waits as long as Retry-After says, backs off without it, and gives up after the last attempt', async () => {
    sleeps.length = 0;
    graph.failNextSends({ status: 429, retryAfter: '3' }, { status: 503 }, { status: 502 });
    expect(await client().send(hello)).toMatch(/^wamid\./);
    expect(sleeps).toEqual([3000, 1000, 2000]);

    sleeps.length = 0;
    graph.failNextSends({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const err = await client().send(hello).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphApiError);
    expect((err as GraphApiError).status).toBe(500);
    expect(sleeps).toHaveLength(3);
  });

  it('does not retry a 4xx and says what to do about a refused token, without showing it', async () => {
    sleeps.length = 0;
    const err = (await client('EAAG-wrong-token').send(hello).catch((e: unknown) => e)) as GraphApiError;
    expect(err.status).toBe(401);
    expect(err.message).toContain('WHATSAPP_CLOUD_ACCESS_TOKEN');
    expect(err.message).not.toContain('EAAG-wrong-token');
    expect(sleeps).toEqual([]);
  });

  it('downloads media with the token, and stops reading a file over the limit', async () => {
    graph.addMedia('m-1', Buffer.alloc(5000, 1), 'image/jpeg');
    const info = await client().mediaInfo('m-1');
    expect(info).toMatchObject({ mime_type: 'image/jpeg', file_size: 5000 });
    expect((await client().download(info.url, 10_000)).length).toBe(5000);
    await expect(client().download(info.url, 1000)).rejects.toBeInstanceOf(AttachmentTooLargeError);
  });
});

describe('rendering for the Cloud API', () => {
  const to = '6281234500001';
  const choice = (id: string, label: string): Choice => ({ id, label });

  it('turns up to three short choices into reply buttons under the text', () => {
    const [m] = renderOutgoingCloud({ kind: 'text', text: 'Kirim laporan?', choices: [choice('confirm:send', 'Kirim'), choice('confirm:edit', 'Ubah')] }, to);
    expect(m).toEqual({
      to,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Kirim laporan?' },
        action: { buttons: [{ type: 'reply', reply: { id: 'confirm:send', title: 'Kirim' } }, { type: 'reply', reply: { id: 'confirm:edit', title: 'Ubah' } }] },
      },
    });
  });

  it('uses a list for longer labels or more options, the whole label in the description', () => {
    const [m] = renderOutgoingCloud({ kind: 'text', text: 'Pilih', choices: [choice('consent:yes', 'Ya, sertakan identitas saya'), choice('consent:no', 'Tidak')] }, to);
    expect(m!.type).toBe('interactive');
    if (m!.type !== 'interactive' || m!.interactive.type !== 'list') throw new Error('expected a list');
    expect(m!.interactive.action.sections[0]!.rows[0]).toEqual({ id: 'consent:yes', title: 'Ya, sertakan identitas…', description: 'Ya, sertakan identitas saya' });
    expect([...m!.interactive.action.sections[0]!.rows[0]!.title].length).toBeLessThanOrEqual(24);
  });

  it('falls back to numbered text past ten options or an over-long label', () => {
    const many = Array.from({ length: 11 }, (_, i) => choice(`c:${i}`, `Pilihan ${i + 1}`));
    const out = renderOutgoingCloud({ kind: 'text', text: 'Pilih', choices: many }, to);
    expect(out).toHaveLength(1);
    expect(out[0]!.type).toBe('text');
    if (out[0]!.type === 'text') expect(out[0]!.text.body).toContain('*11.* Pilihan 11');
  });

  it('sends a text longer than the interactive body limit as text parts, the buttons after it with a prompt', () => {
    const long = 'Kalimat panjang. '.repeat(400); // about 6,800 characters
    const out = renderOutgoingCloud({ kind: 'text', text: long, choices: [choice('a', 'Ya'), choice('b', 'Tidak')] }, to);
    expect(out.slice(0, -1).every((m) => m.type === 'text' && m.text.body.length <= 4096)).toBe(true);
    const last = out.at(-1)!;
    expect(last.type === 'interactive' && last.interactive.body.text.length <= 1024).toBe(true);
  });

  it('flattens a template parameter (no newlines, at most 1,024 characters)', () => {
    expect(templateParameter('Status: **Diterima**\n\nKetik /status NTR-1')).toBe('Status: *Diterima* · Ketik /status NTR-1');
    expect(templateParameter('x '.repeat(2000)).length).toBeLessThanOrEqual(1024);
  });
});

describe('incoming Cloud API messages', () => {
  const ctx = { adminIds: ['0812-3450-0009'], client: {} as GraphApiClient, maxFileBytes: 1000, notBeforeMs: 0 };
  const parse = (m: Record<string, unknown>) => WebhookMessage.parse({ from: '6281234500009', id: 'wamid.1', timestamp: '1704850000', ...m });

  it('keeps the whatsapp-web.js chat id, recognises admins, and carries a pressed choice id', () => {
    const t = translateCloudMessage(parse({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'feedback:up:3', title: '👍 Membantu' } } }), ctx);
    expect(t).toMatchObject({ kind: 'message', message: { chatId: '6281234500009@c.us', isPrivate: true, isAdmin: true, choiceId: 'feedback:up:3', text: '👍 Membantu' } });
  });

  it('ignores groups, stickers and messages older than the service window', () => {
    expect(translateCloudMessage(parse({ type: 'text', text: { body: 'hai' }, group_id: 'g1' }), ctx)).toEqual({ kind: 'ignore', reason: 'group' });
    expect(translateCloudMessage(parse({ type: 'sticker' }), ctx)).toEqual({ kind: 'ignore', reason: 'unsupported-type' });
    expect(translateCloudMessage(parse({ type: 'text', text: { body: 'hai' } }), { ...ctx, notBeforeMs: Date.parse('2025-01-01') })).toEqual({ kind: 'ignore', reason: 'old' });
  });

  it('addresses chats of either adapter by phone number, and refuses a LID or a group', () => {
    expect(recipientOf('6281234500009@c.us')).toBe('6281234500009');
    expect(recipientOf('0812-3450-0009')).toBe('6281234500009');
    expect(recipientOf('123456789012345@lid')).toBeUndefined();
    expect(recipientOf('120363000000000099@g.us')).toBeUndefined();
  });

  it('marks a voice note as voice and an audio file as audio', () => {
    const voice = translateCloudMessage(parse({ type: 'audio', audio: { id: 'a1', mime_type: 'audio/ogg', voice: true } }), ctx);
    const audio = translateCloudMessage(parse({ type: 'audio', audio: { id: 'a2', mime_type: 'audio/mpeg' } }), ctx);
    expect(voice.kind === 'message' && voice.message.attachments?.[0]?.kind).toBe('voice');
    expect(audio.kind === 'message' && audio.message.attachments?.[0]?.kind).toBe('audio');
  });
});

describe('the service window and redeliveries', () => {
  it('is open for 24 hours after the user’s last message, by the injected clock', () => {
    let now = 1_000_000;
    const w = new ServiceWindow(() => now);
    expect(w.isOpen('6281')).toBe(false);
    w.touch('6281', now);
    now += SERVICE_WINDOW_MS - 1;
    expect(w.isOpen('6281')).toBe(true);
    now += 1;
    expect(w.isOpen('6281')).toBe(false);
  });

  it('takes each message id once', () => {
    const ids = new RecentIds(2);
    expect([ids.firstTime('a'), ids.firstTime('a'), ids.firstTime('b'), ids.firstTime('c'), ids.firstTime('a')]).toEqual([true, false, true, true, true]);
  });
});

describe('the webhook answers Meta first and the user after', () => {
  it('returns 200 while the answer is still being composed, then sends it', async () => {
    const graph = await new FakeGraphApi().start();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const conversation: ConversationHandler = {
      async handle(msg) {
        await held;
        return [{ kind: 'text', text: `jawaban untuk: ${msg.text}` }];
      },
    };
    const notifiers = new NotifierRegistry();
    const channel = await startWhatsAppCloud({
      config: {
        chromiumPath: '/nonexistent',
        adminIds: [],
        authDir: '/nonexistent',
        cloud: {
          accessToken: FAKE_TOKEN,
          phoneNumberId: FAKE_PHONE_NUMBER_ID,
          appSecret: FAKE_APP_SECRET,
          verifyToken: 'v',
          apiBaseUrl: graph.baseUrl,
          webhook: { host: '127.0.0.1', port: 0, path: '/whatsapp/webhook' },
        },
      },
      conversation,
      notifiers,
      logger: silentLogger(),
      maxFileBytes: 1000,
    });
    try {
      const user = '6281234500055';
      const res = await deliverWebhook(channel.url, notification([inboundMessage(user, { type: 'text', text: 'halo' }, Date.now())]));
      expect(res.status).toBe(200);
      expect(graph.to(user)).toEqual([]);
      expect(notifiers.channels()).toEqual(['whatsapp']);
      release();
      await channel.idle();
      expect(graph.to(user).map((m) => m.text?.body)).toEqual(['jawaban untuk: halo']);
    } finally {
      await channel.stop();
      await graph.close();
    }
    expect(notifiers.channels()).toEqual([]);
  });
});
