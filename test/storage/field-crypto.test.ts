import { describe, expect, it } from 'vitest';
import { createFieldSealer, SealError } from '../../src/storage/field-crypto.js';

describe('createFieldSealer', () => {
  const key = 'sebuah-kunci-uji-yang-cukup-panjang';

  it('encrypts with a key, binds the value to its context, and decrypts', () => {
    const s = createFieldSealer(key);
    expect(s.encrypted).toBe(true);
    const sealed = s.seal('Siti Aminah', 'identity:NTR-1');
    expect(sealed).not.toContain('Siti');
    expect(s.isSealed(sealed)).toBe(true);
    expect(sealed).not.toBe(s.seal('Siti Aminah', 'identity:NTR-1')); // random IV
    expect(s.open(sealed, 'identity:NTR-1')).toBe('Siti Aminah');
    expect(() => s.open(sealed, 'identity:NTR-2')).toThrow(SealError);
    expect(() => createFieldSealer('kunci-lain-yang-juga-panjang').open(sealed, 'identity:NTR-1')).toThrow(SealError);
    expect(() => createFieldSealer().open(sealed, 'identity:NTR-1')).toThrow(/REPORTS_ENCRYPTION_KEY/);
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => s.open(tampered, 'identity:NTR-1')).toThrow(SealError);
  });

  it('passes plaintext through without a key, and still reads plaintext once a key is set', () => {
    const plain = createFieldSealer(undefined);
    expect(plain.encrypted).toBe(false);
    expect(plain.seal('Siti', 'c')).toBe('Siti');
    expect(createFieldSealer(key).open('{"name":"Siti"}', 'c')).toBe('{"name":"Siti"}');
  });

  it('gives stable lookup hashes keyed by the id secret, not by the encryption key (a new key keeps /status working)', () => {
    const idSecret = 'rahasia-id-untuk-pengujian-0123456789';
    const a = createFieldSealer(key, idSecret);
    expect(a.lookupHash('chat:telegram:1')).toBe(createFieldSealer('kunci-lain-yang-juga-panjang', idSecret).lookupHash('chat:telegram:1'));
    expect(a.lookupHash('chat:telegram:1')).toBe(createFieldSealer(undefined, idSecret).lookupHash('chat:telegram:1'));
    expect(a.lookupHash('chat:telegram:1')).not.toBe(a.lookupHash('chat:telegram:2'));
    expect(a.lookupHash('chat:telegram:1')).not.toBe(createFieldSealer(key, 'rahasia-id-yang-lain-sama-sekali-987').lookupHash('chat:telegram:1'));
    // Rows written before the id secret existed are still found through the legacy hash.
    expect(a.legacyLookupHash('chat:telegram:1')).toBe(createFieldSealer(key, 'x'.repeat(32)).legacyLookupHash('chat:telegram:1'));
  });
});
