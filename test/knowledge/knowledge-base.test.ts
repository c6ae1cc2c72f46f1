import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../src/knowledge/check-integrity.js';
import { chunkKnowledge, type KnowledgeChunk } from '../../src/knowledge/chunk-knowledge.js';
import type { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { loadKnowledge } from '../../src/knowledge/load-knowledge.js';
import { KNOWLEDGE_DIR } from '../support/test-app.js';

let kb: KnowledgeBase;
let chunks: KnowledgeChunk[];
beforeAll(async () => {
  kb = await loadKnowledge(KNOWLEDGE_DIR);
  chunks = chunkKnowledge(kb);
});

describe('the knowledge base as shipped', () => {
  it('loads every regulation, news article, case card and the calendar without a problem', () => {
    const regs = kb.documents.filter((d) => d.kind === 'regulation').map((d) => d.id).sort();
    expect(regs).toEqual(
      [
        'pkpu-10-2023', 'pp-11-2017', 'pp-17-2020', 'pp-37-2004', 'pp-42-2004', 'pp-49-2018', 'pp-94-2021',
        'putusan-mk-121-2024', 'putusan-mk-135-2024', 'putusan-mk-136-2024', 'se-menpanrb-1-2023', 'skb-2022',
        'skb-2022-lampiran-berita', 'uu-1-2015', 'uu-10-2016', 'uu-20-2023', 'uu-5-2014', 'uu-7-2017', 'uu-8-2015',
      ].sort(),
    );
    expect(kb.documents.filter((d) => d.kind === 'news')).toHaveLength(5);
    expect(kb.cards.length).toBeGreaterThanOrEqual(40);
    expect(kb.calendar.length).toBeGreaterThanOrEqual(1);
    expect(checkIntegrity(kb)).toEqual([]);
  });

  it('marks the repealed UU 5/2014 and the news-reported annex', () => {
    const uu5 = kb.documents.find((d) => d.id === 'uu-5-2014')!;
    expect(uu5.status).toBe('dicabut');
    expect(uu5.replacedBy).toBe('uu-20-2023');
    expect(kb.documents.find((d) => d.id === 'skb-2022-lampiran-berita')!.status).toBe('sekunder');
  });
});

describe('structure-aware chunking', () => {
  it('labels each legal unit with its path and quotes it verbatim', () => {
    const angka1 = chunks.find((c) => c.id === 'pp-94-2021#Pasal 5 huruf n angka 1')!;
    expect(angka1.label).toBe('PP 94/2021 › Pasal 5 › huruf n › angka 1');
    expect(angka1.quote).toBe('1. ikut kampanye;');
    // The lead-in travels with the item so "ikut kampanye" is found as support for a candidate.
    expect(angka1.text).toContain('memberikan dukungan kepada calon Presiden/Wakil Presiden');
    expect(chunks.find((c) => c.id === 'pp-94-2021#Pasal 8 ayat (3)')!.label).toBe('PP 94/2021 › Pasal 8 › ayat (3)');
    expect(chunks.find((c) => c.id === 'uu-7-2017#Pasal 280 ayat (2) huruf f')!.quote).toBe('f. aparatur sipil negara;');
    expect(chunks.find((c) => c.id === 'pp-94-2021#Penjelasan Pasal 5 huruf n angka 1')!.quote).toMatch(/^PNS sebagai peserta kampanye hadir/);
    expect(chunks.find((c) => c.id === 'skb-2022-lampiran-berita#Butir B.6')!.label).toBe('Lampiran SKB 2022 (menurut berita) › Butir B.6');
    expect(chunks.find((c) => c.id === 'pp-11-2017#Pasal 255 ayat (1)')!.quote).toContain('PNS dilarang menjadi anggota dan/atau pengurus partai politik.');
    // An ayat inserted by an amendment ("(1a)") is its own passage, not the tail of ayat (1).
    expect(chunks.find((c) => c.id === 'uu-10-2016#Pasal 21 ayat (1a)')!.quote).toMatch(/^\(1a\) Seleksi penerimaan anggota KPPS/);
    expect(chunks.find((c) => c.id === 'uu-10-2016#Pasal 21 ayat (1)')!.quote).not.toContain('Seleksi');
  });

  it('cites two headings that share a short name ("Amar — …") by their longer names', () => {
    const mk135 = kb.documents.find((d) => d.id === 'putusan-mk-135-2024')!;
    expect(mk135.nodes.map((n) => n.ref)).toEqual(['Amar — pembukaan', 'Amar — Pasal 167 ayat (3) UU 7/2017', 'Pertimbangan']);
    // A heading whose short name is unique keeps it: cards cite MK 121's "Amar" and the SKB's "Lampiran paragraf 1".
    expect(kb.documents.find((d) => d.id === 'putusan-mk-121-2024')!.nodes.some((n) => n.ref === 'Amar')).toBe(true);
    expect(kb.documents.find((d) => d.id === 'skb-2022')!.nodes.some((n) => n.ref === 'Lampiran paragraf 1')).toBe(true);
  });

  it('chunks news by paragraph and cards whole', () => {
    const news = chunks.filter((c) => c.docId === '003_62b121394d3b358b');
    expect(news.length).toBeGreaterThan(3);
    expect(news.every((c) => /^paragraf \d+$/.test(c.ref))).toBe(true);
    expect(news.some((c) => c.quote.includes('Idris Usuli'))).toBe(true);
    expect(chunks.filter((c) => c.kind === 'card')).toHaveLength(kb.cards.length);
  });

  it('never produces a quote that is not a verbatim substring of its knowledge file', () => {
    const files = new Map(kb.documents.map((d) => [d.id, fs.readFileSync(path.join(KNOWLEDGE_DIR, d.file), 'utf8')]));
    for (const c of chunks.filter((c) => c.kind !== 'card')) {
      expect(c.quote.length, c.id).toBeGreaterThan(0);
      expect(files.get(c.docId)!.includes(c.quote), c.id).toBe(true);
    }
  });
});
