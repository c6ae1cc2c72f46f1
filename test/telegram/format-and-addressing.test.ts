import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { VERDICTS, VERDICT_LABELS } from '../../src/answer/answer-contract.js';
import { addressedText } from '../../src/channels/telegram/addressing.js';
import { formatAnswerHtml, formatTextHtml } from '../../src/channels/telegram/format-answer-html.js';
import { escapeAndSplit } from '../../src/channels/telegram/html.js';
import { buildInlineKeyboard, CallbackDataCodec } from '../../src/channels/telegram/keyboard.js';
import { RecentChoiceTokens } from '../../src/conversation/choice-tokens.js';
import { detectEntities, groupChat, privateChat, user } from '../support/fake-telegram-api.js';
import { isBalancedHtml, sampleAnswer } from './harness.js';

const ME = { id: 123456, username: 'NetraTestBot' };

function message(text: string, extra: Partial<Message> = {}): Message {
  return {
    message_id: 1,
    date: 0,
    chat: groupChat(-100),
    from: user(7),
    text,
    entities: detectEntities(text),
    ...extra,
  } as Message;
}

describe('formatAnswerHtml', () => {
  it('labels every verdict in Indonesian and English', () => {
    for (const verdict of VERDICTS) {
      for (const language of ['id', 'en'] as const) {
        const [first] = formatAnswerHtml(sampleAnswer('q', { verdict, language }));
        expect(first).toMatch(new RegExp(`^\\S+ <b>${VERDICT_LABELS[language][verdict]}</b>`));
      }
    }
    expect(formatAnswerHtml(sampleAnswer('q', { language: 'en' }))[0]).toContain('<b>Legal basis</b>');
  });

  it('links only http(s) sources and shows anything else as escaped text', () => {
    const [html] = formatAnswerHtml(
      sampleAnswer('q', {
        citations: [{ sourceId: 'a', title: 'T', ref: 'R', quote: 'Q', url: 'javascript:alert("x")' }],
      }),
    );
    expect(html).not.toContain('<a ');
    expect(html).toContain('javascript:alert(&quot;x&quot;)');
  });

  it('leaves out empty sections', () => {
    const [html] = formatAnswerHtml(sampleAnswer('q', { verdict: 'di_luar_topik', citations: [], followUps: [] }));
    expect(html).toBe('💬 <b>DI LUAR TOPIK</b>\n\nPNS dilarang memberikan dukungan kepada calon, termasuk menyukai atau membagikan unggahan kampanye di media sosial.');
  });

  it('splits a quote longer than a message into continued blockquotes', () => {
    const quote = 'Pegawai ASN dilarang menjadi anggota atau pengurus partai politik. '.repeat(150);
    const parts = formatAnswerHtml(sampleAnswer('q', { citations: [{ sourceId: 'a', title: 'UU ASN', ref: 'Pasal 9', quote, url: 'https://x.go.id' }] }));
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect(isBalancedHtml(p)).toBe(true);
    }
    const all = parts.join('\n');
    expect(all).toContain('<i>(lanjutan 1)</i>');
    expect(all.match(/<a href/g)).toHaveLength(1);
    expect(all.replace(/<[^>]+>|\n|\(lanjutan 1\)/g, '').replace(/\s+/g, ' ')).toContain(quote.trim().replace(/\s+/g, ' ').slice(0, 2000));
  });

  it('keeps escaped text within the limit even when escaping multiplies its length', () => {
    const parts = escapeAndSplit('&"<>'.repeat(3000), 4096);
    expect(parts.every((p) => p.length <= 4096 && !/&(?!amp;|quot;|lt;|gt;)/.test(p))).toBe(true);
    expect(parts.join('')).toBe('&amp;&quot;&lt;&gt;'.repeat(3000));
  });

  it('renders plain texts escaped and drops empty ones', () => {
    expect(formatTextHtml('Tiket Anda: NTR-7Q2 <simpan>\n\nTerima kasih.')).toEqual(['Tiket Anda: NTR-7Q2 &lt;simpan&gt;\n\nTerima kasih.']);
    expect(formatTextHtml('  \n\n ')).toEqual([]);
  });
});

describe('addressedText', () => {
  it('passes every private message and ignores group chatter', () => {
    expect(addressedText(message('halo semua', { chat: privateChat(7) }), ME, true)).toBe('halo semua');
    expect(addressedText(message('halo semua'), ME, false)).toBeUndefined();
    expect(addressedText(message('tanya @SomeoneElse dong'), ME, false)).toBeUndefined();
  });

  it('strips mentions wherever they are, including text mentions and captions', () => {
    expect(addressedText(message('Menurut @netratestbot bolehkah ini?'), ME, false)).toBe('Menurut bolehkah ini?');
    const named = message('Netra, bolehkah PNS berfoto dengan calon?', {
      entities: [{ type: 'text_mention', offset: 0, length: 5, user: { id: ME.id, is_bot: true, first_name: 'Netra' } }],
    });
    expect(addressedText(named, ME, false)).toBe('bolehkah PNS berfoto dengan calon?');
    const photo = {
      message_id: 2,
      date: 0,
      chat: groupChat(-100),
      from: user(7),
      photo: [],
      caption: '@NetraTestBot ini buktinya',
      caption_entities: detectEntities('@NetraTestBot ini buktinya'),
    } as unknown as Message;
    expect(addressedText(photo, ME, false)).toBe('ini buktinya');
  });

  it('normalises commands and ignores commands for other bots', () => {
    expect(addressedText(message('/Tanya@NetraTestBot  Bolehkah   ASN?'), ME, false)).toBe('/tanya Bolehkah ASN?');
    expect(addressedText(message('/status@NetraTestBot NTR-AB12'), ME, false)).toBe('/status NTR-AB12');
    expect(addressedText(message('/status@OtherBot NTR-AB12'), ME, false)).toBeUndefined();
    expect(addressedText(message('/start@NetraTestBot lapor', { chat: privateChat(7) }), ME, true)).toBe('/lapor');
    expect(addressedText(message('/start', { chat: privateChat(7) }), ME, true)).toBe('/start');
  });

  it('takes replies to the bot but not replies to other people', () => {
    const botMessage = message('jawaban', { from: { id: ME.id, is_bot: true, first_name: 'Netra' } });
    expect(addressedText(message('lalu bagaimana?', { reply_to_message: botMessage as Message.CommonMessage['reply_to_message'] }), ME, false)).toBe(
      'lalu bagaimana?',
    );
    const other = message('pendapat saya', { from: user(8) });
    expect(addressedText(message('setuju', { reply_to_message: other as Message.CommonMessage['reply_to_message'] }), ME, false)).toBeUndefined();
  });
});

describe('inline keyboard', () => {
  it('keeps short ids as they are and maps long ones to tokens of at most 64 bytes', async () => {
    const codec = new CallbackDataCodec(new RecentChoiceTokens(2));
    expect(await codec.encode('feedback:up:abc')).toBe('feedback:up:abc');
    const long = `x:${'é'.repeat(40)}`;
    const token = await codec.encode(long);
    expect(Buffer.byteLength(token)).toBeLessThanOrEqual(64);
    expect(await codec.encode(long)).toBe(token);
    expect(await codec.decode(token)).toBe(long);
    // The oldest token is forgotten once over capacity.
    await codec.encode(`y:${'a'.repeat(70)}`);
    await codec.encode(`z:${'a'.repeat(70)}`);
    expect(await codec.decode(token)).toBeUndefined();
  });

  it('puts short related buttons on one row and long ones alone', async () => {
    const keyboard = await buildInlineKeyboard(
      [
        { id: 'feedback:up:1', label: '👍' },
        { id: 'feedback:down:1', label: '👎' },
        { id: 'report:start', label: 'Laporkan dugaan pelanggaran' },
        { id: 'report:cat:1', label: 'Media sosial' },
        { id: 'report:cat:2', label: 'Kampanye' },
      ],
      new CallbackDataCodec(),
    );
    expect(keyboard.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ['👍', '👎'],
      ['Laporkan dugaan pelanggaran'],
      ['Media sosial', 'Kampanye'],
    ]);
  });
});
