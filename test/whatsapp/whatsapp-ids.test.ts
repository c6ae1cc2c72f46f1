import { describe, expect, it } from 'vitest';
import { stripMentions } from '../../src/channels/whatsapp/translate-message.js';
import { isCommandText, parseCommand } from '../../src/conversation/command-registry.js';
import { BotIdentity, idUser, normalizePhone } from '../../src/channels/whatsapp/whatsapp-ids.js';

describe('WhatsApp ids', () => {
  it('drops device suffixes and servers', () => {
    expect(idUser('6281100000001:12@c.us')).toBe('6281100000001');
    expect(idUser('210000000000001:3@lid')).toBe('210000000000001');
  });

  it('normalises the phone spellings operators use', () => {
    for (const v of ['0811-0000-0001', '+62 811 0000 0001', '6281100000001@c.us', '6281100000001']) {
      expect(normalizePhone(v)).toBe('6281100000001');
    }
  });

  it('recognises the bot by number and by LID, but a LID never matches a number with the same digits', () => {
    const me = new BotIdentity();
    me.add({ user: '6281100000001', server: 'c.us', _serialized: '6281100000001:5@c.us' });
    me.add('210000000000001@lid');
    expect(me.matches('6281100000001@c.us')).toBe(true);
    expect(me.matches('210000000000001:2@lid')).toBe(true);
    expect(me.matches('6281100000001@lid')).toBe(false);
    expect(me.phoneNumber).toBe('6281100000001');
  });
});

describe('WhatsApp command spelling', () => {
  it('maps ! and / forms, ignores unknown commands', () => {
    const name = (text: string, plainKeywords = false) => {
      const parsed = parseCommand(text, { plainKeywords });
      return parsed && 'spec' in parsed ? `${parsed.spec.name} ${parsed.args}`.trim() : undefined;
    };
    expect(name('!STATUS  NTR-1')).toBe('status NTR-1');
    expect(name('/ubahstatus NTR-1 diproses')).toBe('ubahstatus NTR-1 diproses');
    expect(name('!help')).toBe('bantuan');
    expect(name('!menu')).toBe('bantuan');
    expect(name('!hapus semua')).toBeUndefined();
    expect(name('tanya saja')).toBeUndefined();
    // Plain keywords, in private chats only; a question starting with the word stays a question.
    expect(name('lapor', true)).toBe('lapor');
    expect(name('Menu', true)).toBe('bantuan');
    expect(name('status NTR-7K3Q-92FD', true)).toBe('status NTR-7K3Q-92FD');
    expect(name('status PNS yang nyaleg apa?', true)).toBeUndefined();
    expect(name('lapor', false)).toBeUndefined();
    expect(isCommandText('!tanya boleh?')).toBe(true);
    expect(isCommandText('tanya boleh?')).toBe(false);
  });

  it('strips bot mentions and the punctuation they leave behind', () => {
    expect(stripMentions('@6281100000001, bolehkah ASN ikut kampanye?', ['6281100000001'])).toBe(
      'bolehkah ASN ikut kampanye?',
    );
    expect(stripMentions('tolong @210000000000001 jelaskan', ['210000000000001'])).toBe('tolong jelaskan');
  });
});
