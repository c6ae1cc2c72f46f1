import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/answer/answer-contract.js';
import {
  formatAnswerWhatsApp,
  formatChoicesWhatsApp,
  renderOutgoingWhatsApp,
} from '../../src/channels/whatsapp/format-answer-whatsapp.js';

const answer: Answer = {
  question: 'Can a civil servant attend a campaign rally?',
  verdict: 'boleh_bersyarat',
  answer: 'Only as a listener, outside working hours, without attributes.',
  citations: [
    {
      sourceId: 'pp-94-2021',
      title: 'PP 94/2021 *Disiplin* PNS',
      ref: 'Pasal 5 huruf n',
      quote: 'ikut kampanye;\nmenjadi peserta kampanye',
    },
  ],
  escalate: false,
  language: 'en',
};

describe('WhatsApp answer formatting', () => {
  it('uses the label of the answer language, quotes every line and keeps titles bold-safe', () => {
    const text = formatAnswerWhatsApp(answer);
    expect(text.split('\n')[0]).toBe('⚠️ *ALLOWED WITH CONDITIONS*');
    expect(text).toContain('*Legal basis:*');
    expect(text).toContain('1. *PP 94/2021 Disiplin PNS* — Pasal 5 huruf n');
    expect(text).toContain('> ikut kampanye;\n> menjadi peserta kampanye');
    expect(text).not.toContain('Related questions');
  });

  it('defaults to Indonesian labels', () => {
    const { language: _language, ...withoutLanguage } = answer;
    expect(formatAnswerWhatsApp(withoutLanguage).split('\n')[0]).toBe('⚠️ *BOLEH DENGAN SYARAT*');
  });

  it('offers a few choices on one line and many as a numbered list', () => {
    expect(formatChoicesWhatsApp([{ id: 'a', label: 'Ya' }, { id: 'b', label: 'Tidak' }])).toBe(
      'Balas *1* untuk Ya, atau *2* untuk Tidak.',
    );
    const many = ['Kampanye', 'Media sosial', 'Fasilitas negara', 'Lainnya'].map((label, i) => ({ id: `c${i}`, label }));
    expect(formatChoicesWhatsApp(many)).toBe(
      'Balas dengan angka pilihan Anda:\n*1.* Kampanye\n*2.* Media sosial\n*3.* Fasilitas negara\n*4.* Lainnya',
    );
  });

  it('puts the choices after the text, converting Markdown bold', () => {
    const [only] = renderOutgoingWhatsApp({
      kind: 'text',
      text: 'Laporan **NTR-2024-0001** diterima.',
      choices: [{ id: 'x', label: 'Selesai' }],
    });
    expect(only).toBe('Laporan *NTR-2024-0001* diterima.\n\nBalas *1* untuk Selesai.');
  });
});
