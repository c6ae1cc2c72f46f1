import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCorpus, recordCorpus, readRecord } from '../../scripts/corpus-check.js';

const FRONT = (id: string) => `---\nid: ${id}\ntitle: "Uji"\n---\n`;
const LAW = '# PP 1/2000\n\n## Pasal 1\n\n(1) Pegawai dilarang berkampanye.\n';
const NEWS = 'Kota Contoh — ASN diminta netral.\n';

let root: string;
let shared: string;
let knowledge: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-corpus-'));
  shared = path.join(root, 'shared');
  knowledge = path.join(root, 'knowledge');
  for (const d of ['shared/corpus/regulations', 'shared/corpus/secondary', 'shared/seeds', 'knowledge/regulations', 'knowledge/news']) {
    fs.mkdirSync(path.join(root, d), { recursive: true });
  }
  // The corpus has its own front matter; knowledge/ has Netra's. Only the bodies must agree.
  fs.writeFileSync(path.join(shared, 'corpus/regulations/pp-1-2000.md'), `${FRONT('corpus-id')}${LAW}`);
  fs.writeFileSync(path.join(shared, 'corpus/regulations/pp-2-2001.md'), `${FRONT('baru')}${LAW}`);
  fs.writeFileSync(path.join(shared, 'seeds/000_abc.txt'), NEWS);
  fs.writeFileSync(path.join(knowledge, 'regulations/pp-1-2000.md'), `${FRONT('pp-1-2000')}${LAW}`);
  fs.writeFileSync(path.join(knowledge, 'news/000_abc.md'), `${FRONT('000_abc')}${NEWS}`);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('npm run corpus:check', () => {
  it('records the corpus files knowledge/ holds verbatim, and lists the ones not taken yet', () => {
    const record = recordCorpus(shared, knowledge, new Date('2026-12-01T00:00:00Z'));
    expect(record.files.map((f) => f.source)).toEqual(['corpus/regulations/pp-1-2000.md', 'seeds/000_abc.txt']);
    expect(record.notTaken).toEqual(['corpus/regulations/pp-2-2001.md']);
    expect(readRecord(knowledge)).toEqual(record);
    const report = checkCorpus(shared, knowledge);
    expect(report).toMatchObject({ sharedPresent: true, differs: [], staleRecord: [], changedSinceRecord: [], missing: ['corpus/regulations/pp-2-2001.md'] });
    expect(report.same).toHaveLength(2);
  });

  it('fails on a knowledge text that is no longer verbatim, even without the corpus beside it', () => {
    recordCorpus(shared, knowledge);
    fs.writeFileSync(path.join(knowledge, 'regulations/pp-1-2000.md'), `${FRONT('pp-1-2000')}${LAW.replace('dilarang', 'boleh')}`);
    expect(checkCorpus(shared, knowledge)).toMatchObject({ differs: ['corpus/regulations/pp-1-2000.md'], staleRecord: ['regulations/pp-1-2000.md'] });
    const absent = checkCorpus(path.join(root, 'nowhere'), knowledge);
    expect(absent).toMatchObject({ sharedPresent: false, staleRecord: ['regulations/pp-1-2000.md'], differs: [] });
  });

  it('notices a corpus file that changed after the record was written', () => {
    recordCorpus(shared, knowledge);
    fs.appendFileSync(path.join(shared, 'seeds/000_abc.txt'), 'Paragraf baru.\n');
    const report = checkCorpus(shared, knowledge);
    expect(report.changedSinceRecord).toEqual(['seeds/000_abc.txt']);
    expect(report.differs).toEqual(['seeds/000_abc.txt']);
  });
});
