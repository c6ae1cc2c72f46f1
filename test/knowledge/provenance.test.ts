import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, AnswerSchema } from '../../src/answer/answer-contract.js';
import { formatAnswerText } from '../../src/channels/console/format-answer-text.js';
import { formatAnswerHtml } from '../../src/channels/telegram/format-answer-html.js';
import { formatAnswerWhatsApp } from '../../src/channels/whatsapp/format-answer-whatsapp.js';
import { type KnowledgeBase, KnowledgeValidationError } from '../../src/knowledge/knowledge-base.js';
import { loadKnowledge } from '../../src/knowledge/load-knowledge.js';
import { findNode } from '../../src/knowledge/passages.js';
import { passageProvenance } from '../../src/knowledge/provenance.js';
import { type Scratch, scratchKnowledge } from '../support/temp-knowledge.js';
import { KNOWLEDGE_DIR, REPO_ROOT } from '../support/test-app.js';

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledge(KNOWLEDGE_DIR);
});

let scratch: Scratch | undefined;
afterEach(() => {
  scratch?.cleanup();
  scratch = undefined;
});

const provenanceOf = (doc: string, ref: string) => {
  const d = kb.documents.find((x) => x.id === doc)!;
  return passageProvenance(d, findNode(d, ref)!);
};

/** Edits one file of a scratch copy of knowledge/ and returns the loader's problems (empty if it loads). */
async function problemsAfter(file: string, edit: (raw: string) => string): Promise<string[]> {
  scratch?.cleanup();
  scratch = scratchKnowledge();
  const full = path.join(scratch.knowledgeDir, file);
  const raw = fs.readFileSync(full, 'utf8');
  const edited = edit(raw);
  expect(edited, 'the edit must change the file').not.toBe(raw);
  fs.writeFileSync(full, edited);
  try {
    await loadKnowledge(scratch.knowledgeDir);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(KnowledgeValidationError);
    return (err as KnowledgeValidationError).problems;
  }
}

describe('grades and sources of the regulation texts', () => {
  it('gives every passage of every regulation a grade A–C and a source link', () => {
    for (const doc of kb.documents.filter((d) => d.kind === 'regulation')) {
      for (const node of doc.nodes) {
        const p = passageProvenance(doc, node);
        expect(p, `${doc.id} ${node.ref}`).toBeDefined();
        expect(['A', 'B', 'C']).toContain(p!.grade);
        expect(p!.link).toMatch(/^https?:\/\//);
      }
    }
  });

  it('grades each section as SOURCES.md does, with the page of that section', () => {
    expect(provenanceOf('uu-7-2017', 'Pasal 494')).toMatchObject({ grade: 'C', provenance: 'dikutip_media', link: expect.stringContaining('ameg.disway.id') });
    expect(provenanceOf('uu-7-2017', 'Pasal 167 ayat (3)')).toMatchObject({ grade: 'A', provenance: 'teks_resmi' });
    expect(provenanceOf('uu-7-2017', 'Pasal 167 ayat (6)')).toMatchObject({ grade: 'B', provenance: 'ocr_teks_resmi' });
    expect(provenanceOf('uu-7-2017', 'Pasal 454 ayat (6)')).toMatchObject({ grade: 'B', link: expect.stringContaining('flipbuilder.com/cmvf/wgnv/files/basic-html/page312') });
    expect(provenanceOf('uu-7-2017', 'Pasal 280 ayat (3)')!.link).toContain('grahamedia.id');
    expect(provenanceOf('uu-20-2023', 'Pasal 52 ayat (4)')).toMatchObject({ grade: 'B', link: expect.stringContaining('pasal.id') });
    expect(provenanceOf('uu-20-2023', 'Pasal 70 ayat (3)')).toMatchObject({ grade: 'B', provenance: 'dikutip_lembaga_resmi', link: expect.stringContaining('mkri.id') });
    expect(provenanceOf('uu-20-2023', 'Pasal 52 ayat (4)')!.provenance).toBe('ocr_teks_resmi');
    expect(provenanceOf('uu-20-2023', 'Pasal 59 ayat (3)')).toMatchObject({ grade: 'C' });
    expect(provenanceOf('pp-17-2020', 'Pasal 254 ayat (4)')!.link).toContain('page21.html');
    expect(provenanceOf('putusan-mk-136-2024', 'Pemaknaan baru Pasal 188')).toMatchObject({ grade: 'C', link: expect.stringContaining('nzwrestling.com') });
    // An official page is linked instead of the mirror's file when one is known.
    const pasal188 = provenanceOf('uu-1-2015', 'Pasal 188')!;
    expect(pasal188).toMatchObject({ grade: 'A', link: 'https://mkri.id/index.php?id=21660&page=web.Berita' });
    expect(pasal188.source).toContain('github.com/mblonyox/data-peraturan');
  });

  it('marks PP 11/2017 Pasal 254 ayat (4)–(5) as replaced by PP 17/2020, while the file stays in force', () => {
    expect(provenanceOf('pp-11-2017', 'Pasal 254 ayat (4)')!.supersededBy).toEqual({ doc: 'pp-17-2020', ref: 'Pasal 254 ayat (4)', name: 'PP 17/2020 Pasal 254 ayat (4)' });
    expect(provenanceOf('pp-11-2017', 'Pasal 254 ayat (1)')!.supersededBy).toBeUndefined();
    expect(kb.documents.find((d) => d.id === 'pp-11-2017')!.status).toBe('berlaku');
  });

  it('rejects a regulation section without a grade, naming the file and the section', async () => {
    const problems = await problemsAfter('regulations/pp-42-2004-kode-etik-pns.md', (raw) => raw.replace(/^grade: A\n/m, ''));
    const line = problems.find((p) => p.startsWith(path.join('regulations', 'pp-42-2004-kode-etik-pns.md')));
    expect(line).toBeDefined();
    expect(line).toContain('bagian "Pasal 1"');
    expect(line).toContain('grade');
    // One line per section, not per ayat and huruf.
    expect(problems.filter((p) => p.includes('pp-42-2004')).length).toBe(6);
  });

  it('rejects a section graded D (paraphrase), a listed section that is not in the text, and a dangling superseded_by', async () => {
    const d = await problemsAfter('regulations/uu-20-2023-asn.md', (raw) => raw.replace('"Pasal 56": {grade: C', '"Pasal 56": {grade: D'));
    expect(d.join('\n')).toMatch(/uu-20-2023-asn\.md: sections\.Pasal 56\.grade: tingkat D \(parafrase\) tidak boleh ada/);
    const missing = await problemsAfter('regulations/uu-7-2017-pemilu.md', (raw) => raw.replace('"Pasal 490": {grade: C', '"Pasal 491": {grade: C'));
    expect(missing).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/uu-7-2017-pemilu\.md: sections\."Pasal 491" tidak ada di teks/),
        expect.stringMatching(/uu-7-2017-pemilu\.md: bagian "Pasal 490" tidak punya grade/),
      ]),
    );
    const dangling = await problemsAfter('regulations/pp-11-2017-manajemen-pns.md', (raw) => raw.replace('superseded_by: {doc: pp-17-2020, ref: "Pasal 254 ayat (4)"}', 'superseded_by: {doc: pp-17-2020, ref: "Pasal 254 ayat (9)"}'));
    expect(dangling.join('\n')).toMatch(/pp-11-2017-manajemen-pns\.md: sections\."Pasal 254 ayat \(4\)"\.superseded_by menunjuk pp-17-2020 "Pasal 254 ayat \(9\)"/);
  });

  it('rejects a regulation dropped as HTML without a sidecar giving its grade and source', async () => {
    scratch?.cleanup();
    scratch = scratchKnowledge();
    fs.writeFileSync(path.join(scratch.knowledgeDir, 'regulations', 'se-tanpa-sumber.html'), '<html><body><p>Pasal 1</p><p>Pegawai wajib netral di grup dinas.</p></body></html>');
    const err = (await loadKnowledge(scratch.knowledgeDir).catch((e: unknown) => e)) as KnowledgeValidationError;
    expect(err).toBeInstanceOf(KnowledgeValidationError);
    expect(err.problems.join('\n')).toMatch(/se-tanpa-sumber\.html: bagian "Pasal 1" tidak punya grade/);
  });
});

describe('case cards and text quoted in news', () => {
  const CARD = 'cases/timses-anggota-tim-kampanye-relawan.md';
  /** Puts a sentence at the start of the card's Indonesian body (the body follows the front matter). */
  const prepend = (sentence: string) => (raw: string) => raw.replace(/\n---\nUU 7\/2017 Pasal 280 ayat \(3\)/, `\n---\n${sentence}\n\nUU 7/2017 Pasal 280 ayat (3)`);

  it('accepts the cards as shipped', () => {
    // The shipped knowledge loads (beforeAll); the check is part of that load.
    expect(kb.cards.length).toBeGreaterThan(60);
  });

  it('rejects a card that quotes a C-graded passage as the law\'s own words without saying it is quoted in news', async () => {
    const problems = await problemsAfter(
      CARD,
      prepend('Pasal 280 ayat (3) UU 7/2017 berbunyi: "Setiap orang sebagaimana dimaksud pada ayat (2) dilarang ikut serta sebagai pelaksana dan tim Kampanye Pemilu."'),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^cases\/timses-anggota-tim-kampanye-relawan\.md: body mengutip "Setiap orang sebagaimana .*" dari UU 7\/2017 Pasal 280 ayat \(3\) \(tingkat C, dikutip media\)/);
    expect(problems[0]).toContain('menurut pemberitaan');
  });

  it('rejects "berbunyi" next to a C-graded article even without quotation marks', async () => {
    const problems = await problemsAfter(CARD, prepend('Pasal 280 ayat (3) UU 7/2017 berbunyi: setiap orang dilarang ikut serta sebagai pelaksana dan tim kampanye.'));
    expect(problems).toEqual([expect.stringMatching(/timses-anggota-tim-kampanye-relawan\.md: body menyebut bunyi UU 7\/2017 Pasal 280 ayat \(3\) \(tingkat C/)]);
  });

  it('accepts the same quotation when the paragraph says it is quoted in news', async () => {
    const problems = await problemsAfter(
      CARD,
      prepend('Menurut pemberitaan, Pasal 280 ayat (3) UU 7/2017 berbunyi: "Setiap orang sebagaimana dimaksud pada ayat (2) dilarang ikut serta sebagai pelaksana dan tim Kampanye Pemilu."'),
    );
    expect(problems).toEqual([]);
  });

  it('accepts a quotation of an official (grade A) passage without any marker', async () => {
    const problems = await problemsAfter(
      CARD,
      prepend('Penjelasan PP 94/2021 berbunyi: "PNS bertindak sebagai pelaksana kampanye, petugas kampanye/tim sukses, tenaga ahli".'),
    );
    expect(problems).toEqual([]);
  });
});

describe('citations say how sure their text is and link the page of the section', () => {
  // The compiled CLI (dist/, built by the global setup), as `npm run ask` runs it; one data
  // directory for the block, so the index is built once and the later runs reuse it.
  const ASK = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'ask.js');
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-prov-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const ask = (args: string[], input = '') =>
    spawnSync(process.execPath, [ASK, ...args], {
      cwd: REPO_ROOT,
      input,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NETRA_DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 90_000,
    });

  it('npm run ask -- --json gives each citation its grade, provenance, source page and short title', () => {
    const r = ask(['--json', '--stdin'], 'Apa sanksi pidana ASN yang menjadi tim kampanye pemilu?\n');
    expect(r.status, r.stderr).toBe(0);
    const answer = AnswerSchema.parse(JSON.parse(r.stdout.trim().split('\n')[0]!));
    expect(answer.citations.length).toBeGreaterThan(1);
    for (const c of answer.citations) {
      expect(c.grade, `${c.sourceId} ${c.ref}`).toMatch(/^[ABC]$/);
      expect(c.provenance).toBeDefined();
      expect(c.sourceUrl).toMatch(/^https?:\/\//);
      expect(c.title).not.toContain(' tentang ');
    }
    const news = answer.citations.find((c) => c.sourceId === 'uu-7-2017')!;
    expect(news).toMatchObject({ title: 'UU 7/2017', grade: 'C', provenance: 'dikutip_media' });
    expect(news.sourceUrl).not.toContain('github.com');
    const official = answer.citations.find((c) => c.grade === 'A')!;
    expect(official.provenance).toBe('teks_resmi');
  }, 120_000);

  it('the formatted answer shows one provenance note per citation, in the answer\'s language', () => {
    const id = ask(['Apa sanksi pidana ASN yang menjadi tim kampanye pemilu?']);
    expect(id.status, id.stderr).toBe(0);
    const citations = id.stdout.slice(id.stdout.indexOf('Dasar:'));
    const notes = citations.match(/^ {3}(Teks resmi|OCR teks resmi|Dikutip lembaga resmi|Dikutip media) — \S+$/gm) ?? [];
    expect(notes.length).toBe((citations.match(/^\d+\. /gm) ?? []).length);
    expect(citations).toMatch(/Dikutip media — (grid\.id|grahamedia\.id)/);
    const en = ask(['Can a civil servant be jailed for joining a campaign team?']);
    expect(en.status, en.stderr).toBe(0);
    expect(en.stdout).toMatch(/^ {3}(Official text|Quoted in news|OCR of the official text) — /m);
  }, 120_000);

  it('Telegram and WhatsApp render the same note and link the section page', () => {
    const answer: Answer = {
      question: 'q',
      verdict: 'informasi',
      answer: 'Jawaban.',
      escalate: false,
      language: 'id',
      citations: [
        {
          sourceId: 'pp-11-2017',
          title: 'PP 11/2017',
          ref: 'Pasal 254 ayat (4)',
          quote: 'PNS yang melanggar kewajiban sebagaimana dimaksud pada ayat (1) diberhentikan dengan hormat sebagai PNS.',
          url: 'https://example.invalid/file-level',
          grade: 'B',
          provenance: 'ocr_teks_resmi',
          sourceUrl: 'https://example.invalid/section-page',
          sourceName: 'example.invalid',
          supersededBy: 'PP 17/2020 Pasal 254 ayat (4)',
        },
      ],
    };
    const note = 'OCR teks resmi — example.invalid · tidak berlaku lagi, diganti PP 17/2020 Pasal 254 ayat (4)';
    const html = formatAnswerHtml(answer).join('\n');
    expect(html).toContain(`<i>${note}</i>`);
    expect(html).toContain('href="https://example.invalid/section-page"');
    const wa = formatAnswerWhatsApp(answer);
    expect(wa).toContain(`_${note}_`);
    expect(wa).toContain('https://example.invalid/section-page');
    expect(wa).not.toContain('file-level');
    expect(formatAnswerText(answer)).toContain(`   ${note}\n   https://example.invalid/section-page`);
    // An answer stored before provenance existed renders as before.
    const old = formatAnswerText({ ...answer, citations: [{ sourceId: 'x', title: 'X', ref: 'Pasal 1', quote: 'teks', url: 'https://example.invalid/old' }] });
    expect(old).toContain('   “teks”\n   https://example.invalid/old');
  });
});
