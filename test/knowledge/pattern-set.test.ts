import { describe, expect, it } from 'vitest';
import { normalizeText, PatternSet } from '../../src/knowledge/lexicon.js';

// PatternSet skips a pattern whose first word is absent from the text; these cases pin that the
// skip never loses a hit: prefixes, alternatives, optional first words, gaps and spelling mapped.
const text = (q: string) => normalizeText(q, { gk: 'tidak', sy: 'saya' });
const hits = (patterns: string[], q: string) => new PatternSet(patterns, { gk: 'tidak', sy: 'saya' }).find(text(q)).map((h) => h.text);

describe('PatternSet', () => {
  it('finds a prefix pattern inside a longer word ("sanksi*" in "sanksinya")', () => {
    expect(hits(['sanksi*|hukuman* ~2 apa'], 'sanksinya tuh apa ya')).toEqual(['sanksinya tuh apa']);
  });

  it('finds a pattern whose first word is optional, with and without it', () => {
    expect(hits(['[sudah] upload'], 'fotonya sudah upload')).toEqual(['sudah upload']);
    expect(hits(['[sudah] upload'], 'fotonya mau upload')).toEqual(['upload']);
  });

  it('finds alternatives and gaps, and a word the spelling table maps', () => {
    expect(hits(['pak|bu ~2 menang'], 'selamat bu ani menang')).toEqual(['bu ani menang']);
    expect(hits(['tidak ~1 ikut'], 'sy gk mau ikut')).toEqual(['tidak mau ikut']);
  });

  it('finds nothing when the first word is missing, and does not match a word inside another', () => {
    expect(hits(['ajak ~3 pilih'], 'mengajak warga pilih')).toEqual([]);
    expect(new PatternSet(['kampanye*']).test(text('ada kampanyenya'))).toBe(true);
    expect(new PatternSet(['kampanye']).test(text('ada berkampanye'))).toBe(false);
    expect(new PatternSet(['pilih']).test(text('ada pilihan'))).toBe(false);
  });

  it('reads a word through the enclitic -nya ("timsesnya"), but not short or grammatical words', () => {
    expect(hits(['jadi timses'], 'boleh jadi timsesnya')).toEqual(['jadi timsesnya']);
    expect(new PatternSet(['kampanye']).test(text('ada kampanyenya'))).toBe(true);
    expect(new PatternSet(['tidak']).test(text('boleh tidaknya'))).toBe(false);
    expect(new PatternSet(['dia']).test(text('dianya'))).toBe(false);
  });

  it('finds a pattern whose first word is a phrase the spelling table joins ("terima kasih")', () => {
    const phrases = { 'terima kasih': 'terimakasih' };
    const t = normalizeText('ok terima kasih banyak', {}, new Set(), phrases);
    expect(new PatternSet(['terima kasih ~1 banyak'], {}, phrases).find(t).map((h) => h.text)).toEqual(['terimakasih banyak']);
  });
});
