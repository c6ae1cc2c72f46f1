import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { KnowledgeValidationError } from '../../src/knowledge/knowledge-base.js';
import { buildIndex, loadIndex, readCurrentBuild } from '../../src/retrieval/index-store.js';
import { HybridRetriever } from '../../src/retrieval/hybrid-retriever.js';
import { startFakeEmbeddingsServer } from '../support/fake-embeddings-server.js';
import { type Scratch, scratchKnowledge } from '../support/temp-knowledge.js';
import { REPO_ROOT } from '../support/test-app.js';

let scratch: Scratch | undefined;
afterEach(() => scratch?.cleanup());

function build(s: Scratch, extra: Partial<Parameters<typeof buildIndex>[0]> = {}) {
  return buildIndex({ knowledgeDir: s.knowledgeDir, indexRoot: s.config.indexDir, config: s.config, ...extra });
}

describe('npm run reindex', () => {
  it('builds the index, then finds nothing to do on a second run', async () => {
    scratch = scratchKnowledge();
    const first = await build(scratch);
    expect(first.noop).toBe(false);
    expect(first.manifest.counts.cards).toBeGreaterThanOrEqual(40);
    expect(first.manifest.documents['pp-94-2021']!.hash).toMatch(/^[0-9a-f]{64}$/);
    const second = await build(scratch);
    expect(second.noop).toBe(true);
    expect(second.buildId).toBe(first.buildId);
  });

  it('re-embeds only what changed', async () => {
    scratch = scratchKnowledge();
    const first = await build(scratch);
    const card = path.join(scratch.knowledgeDir, 'cases', fs.readdirSync(path.join(scratch.knowledgeDir, 'cases'))[0]!);
    fs.appendFileSync(card, '\nCatatan tambahan admin untuk uji re-index.\n');
    const second = await build(scratch);
    expect(second.noop).toBe(false);
    expect(second.changed).toEqual([`card:${path.basename(card, '.md')}`]);
    expect(second.embedded).toBe(1);
    expect(second.reusedEmbeddings).toBe(first.manifest.counts.chunks - 1);
  });

  it('rejects a broken front matter, naming file and field, and leaves the index in use untouched', async () => {
    scratch = scratchKnowledge();
    const first = await build(scratch);
    const file = path.join(scratch.knowledgeDir, 'regulations', 'pp-42-2004-kode-etik-pns.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^status: berlaku\n/m, 'status: entahlah\n'));
    const err = await build(scratch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KnowledgeValidationError);
    expect((err as Error).message).toContain('regulations/pp-42-2004-kode-etik-pns.md');
    expect((err as Error).message).toContain('status');
    expect(await readCurrentBuild(scratch.config.indexDir)).toBe(first.buildId);
    const index = await loadIndex(scratch.config.indexDir, scratch.config);
    expect(index.manifest.buildId).toBe(first.buildId);
  });

  it('rejects a case card whose basis points to an article that is not in the corpus', async () => {
    scratch = scratchKnowledge();
    const cards = path.join(scratch.knowledgeDir, 'cases');
    const file = path.join(cards, fs.readdirSync(cards)[0]!);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/basis:\n/, 'basis:\n  - doc: uu-7-2017\n    ref: "Pasal 283"\n'));
    const err = await build(scratch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KnowledgeValidationError);
    expect((err as Error).message).toMatch(/uu-7-2017 "Pasal 283" tidak ditemukan/);
    expect((err as Error).message).toContain(path.basename(file));
  });

  it('never switches to a build that crashed before completing, and leaves no half-written build behind', async () => {
    scratch = scratchKnowledge();
    const first = await build(scratch);
    fs.appendFileSync(path.join(scratch.knowledgeDir, 'news', '000_dd92528e58c03ad1.md'), '\nParagraf tambahan yang cukup panjang untuk menjadi potongan baru.\n');
    await expect(build(scratch, { failBeforeSwitch: true })).rejects.toThrow(/simulated crash/);
    expect(await readCurrentBuild(scratch.config.indexDir)).toBe(first.buildId);
    const builds = fs.readdirSync(path.join(scratch.config.indexDir, 'builds'));
    expect(builds).toEqual([first.buildId]);
  });

  it('a full disk during re-index leaves the index in use untouched', async () => {
    scratch = scratchKnowledge();
    const first = await build(scratch);
    fs.appendFileSync(path.join(scratch.knowledgeDir, 'news', '001_75b8f14d6287ef92.md'), '\nParagraf tambahan yang cukup panjang untuk menjadi potongan baru.\n');
    const writeFile = fsp.writeFile.bind(fsp);
    const spy = vi.spyOn(fsp, 'writeFile').mockImplementation(async (file, data, options) => {
      if (String(file).endsWith('lexical.bin')) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return writeFile(file, data, options);
    });
    try {
      await expect(build(scratch)).rejects.toThrow(/ENOSPC/);
    } finally {
      spy.mockRestore();
    }
    expect(await readCurrentBuild(scratch.config.indexDir)).toBe(first.buildId);
    expect(fs.readdirSync(path.join(scratch.config.indexDir, 'builds'))).toEqual([first.buildId]);
    const index = await loadIndex(scratch.config.indexDir, scratch.config);
    expect(index.chunks.length).toBe(first.manifest.counts.chunks);
  });

  it('ingests PDF, HTML and plain-text regulations dropped into knowledge/, with a sidecar', async () => {
    scratch = scratchKnowledge();
    const regs = path.join(scratch.knowledgeDir, 'regulations');
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([595, 842]);
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const lines = ['PERATURAN BUPATI CONTOH NOMOR 7 TAHUN 2024', 'Pasal 1', 'Pegawai dilarang memasang stiker kandidat pada kendaraan dinas pemerintah kabupaten.', 'Pasal 2', 'Pelanggaran dilaporkan kepada inspektorat daerah.'];
    lines.forEach((l, i) => {
      page.drawText(l, { x: 40, y: 800 - i * 24, size: 11, font });
    });
    fs.writeFileSync(path.join(regs, 'perbup-contoh-7-2024.pdf'), await pdf.save());
    fs.writeFileSync(path.join(regs, 'perbup-contoh-7-2024.pdf.meta.yaml'), 'id: perbup-contoh-7-2024\ntitle: Peraturan Bupati Contoh Nomor 7 Tahun 2024\ntype: Perbup\nyear: 2024\nsource_url: https://example.invalid/perbup.pdf\ngrade: A\n');
    // Every regulation needs a grade and a source; for HTML and text files they come from the sidecar.
    fs.writeFileSync(path.join(regs, 'se-contoh.html.meta.yaml'), 'source_url: https://example.invalid/se-contoh.html\ngrade: B\n');
    fs.writeFileSync(path.join(regs, 'catatan-contoh.txt.meta.yaml'), 'source_url: https://example.invalid/catatan.txt\ngrade: C\n');
    fs.writeFileSync(
      path.join(regs, 'se-contoh.html'),
      '<html><head><title>Surat Edaran Contoh</title><script>alert(1)</script></head><body><h1>Surat Edaran Contoh</h1><p>Pasal 1</p><p>Pegawai wajib menjaga netralitas di grup percakapan dinas.</p></body></html>',
    );
    fs.writeFileSync(path.join(regs, 'catatan-contoh.txt'), 'Catatan Contoh\n\nPasal 1\n\nApel pagi tidak boleh dipakai untuk sosialisasi calon.\n');
    const summary = await build(scratch);
    expect(summary.added).toEqual(expect.arrayContaining(['perbup-contoh-7-2024', 'se-contoh', 'catatan-contoh']));
    const index = await loadIndex(scratch.config.indexDir, scratch.config);
    const pdfChunk = index.chunks.find((c) => c.docId === 'perbup-contoh-7-2024' && c.ref === 'Pasal 1')!;
    expect(pdfChunk.label).toBe('Peraturan Bupati Contoh Nomor 7 Tahun 2024 › Pasal 1');
    expect(pdfChunk.quote).toContain('memasang stiker kandidat pada kendaraan dinas');
    const html = index.knowledge.documents.find((d) => d.id === 'se-contoh')!;
    expect(html.title).toBe('Surat Edaran Contoh');
    expect(html.text).not.toContain('alert(1)');
    expect(index.chunks.some((c) => c.docId === 'se-contoh' && c.quote.includes('menjaga netralitas di grup percakapan dinas'))).toBe(true);
    const retriever = new HybridRetriever({ index: () => index });
    const hits = await retriever.search('stiker kandidat di kendaraan dinas kabupaten', 5, 'regulation');
    expect(hits[0]!.chunk.docId).toBe('perbup-contoh-7-2024');
  });

  it('invalidates the embedding cache when the embedder changes', async () => {
    const fake = await startFakeEmbeddingsServer();
    try {
      scratch = scratchKnowledge();
      const local = await build(scratch);
      expect(local.manifest.embedder.provider).toBe('local');
      const openaiConfig = loadConfig(
        { NETRA_DATA_DIR: scratch.dataDir, NETRA_KNOWLEDGE_DIR: scratch.knowledgeDir, EMBEDDINGS_PROVIDER: 'openai', OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test' },
        REPO_ROOT,
      );
      const remote = await buildIndex({ knowledgeDir: scratch.knowledgeDir, indexRoot: openaiConfig.indexDir, config: openaiConfig });
      expect(remote.noop).toBe(false);
      expect(remote.manifest.embedder).toMatchObject({ provider: 'openai', dimensions: 8 });
      expect(remote.embedded).toBe(local.manifest.counts.chunks);
      expect(fake.requests).toBeGreaterThan(0);
    } finally {
      await fake.close();
    }
  });
});
