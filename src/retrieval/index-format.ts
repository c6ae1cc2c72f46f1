import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { chunkKnowledge } from '../knowledge/chunk-knowledge.js';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { parseLegalStructure } from '../knowledge/legal-structure.js';
import { analyzeDocument, analyzerTables, analyzeQuery, weightedQueryTerms } from './indonesian-analyzer.js';
import { LocalEmbeddings } from './local-embeddings.js';
import { ENGLISH_TERMS, SLANG_EXPANSIONS } from './slang-lexicon.js';
import { z } from 'zod';
import { NormalizeLexiconSchema, SituationLexiconSchema } from '../knowledge/lexicon.js';

/**
 * Which index a running Netra can use. An index holds the analysis of its text (stems, stop words
 * removed, slang tables on the query side) and its chunking; one built by other code would be
 * searched with terms it does not contain — wrong answers, not errors. So the format id is not a
 * constant someone must remember to bump: it is a hash of what defines analysis and chunking —
 * the analyzer's tables (stop words, stem overrides, slang and English lexicons), the analyzer's
 * and the chunker's output on a fixed probe (which catches a changed stemmer dictionary or parser
 * too), and any `knowledge/lexicon/*.yaml` — plus the on-disk layout version.
 */

/**
 * Version of the files in a build directory; changes only when their layout does. 10: the BM25
 * posting ordinals and term counts are stored in 8, 16 or 32 bits, as narrow as they fit.
 */
export const INDEX_LAYOUT = 'netra-index-10';

/** Words that exercise stop words, stems, overrides, slang and English translation. */
const PROBE_QUESTION =
  'Bolehkah PNS like postingan caleg di IG, ngeshare story WA paslon, atau ikut kampanye capres di luar jam kerja? ' +
  'Can a civil servant attend a rally? Netralitas pegawai negeri sipil, pemenangan, penyandang dana, mengerahkan bawahan, PP 94/2021.';

const PROBE_REGULATION = `---
id: probe
---
## Pasal 5

PNS dilarang:

a. menjadi anggota partai politik;
b. memberikan dukungan kepada calon dengan cara:

1. ikut kampanye;
2. menjadi peserta kampanye dengan menggunakan atribut partai;

## Pasal 9

(1) Pegawai ASN harus bebas dari pengaruh dan intervensi semua golongan.

(2) Pegawai ASN dilarang menjadi anggota dan/atau pengurus partai politik.

## Penjelasan Pasal 5

Angka 1

Cukup jelas.
`;

function probeKnowledge(): Pick<KnowledgeBase, 'documents' | 'cards'> {
  const bodyOffset = PROBE_REGULATION.indexOf('## Pasal 5');
  return {
    documents: [
      {
        id: 'probe',
        kind: 'regulation',
        title: 'Peraturan Uji Format',
        shortName: 'PU 1/2000',
        type: 'PP',
        status: 'berlaku',
        file: 'regulations/probe.md',
        text: PROBE_REGULATION,
        bodyOffset,
        nodes: parseLegalStructure(PROBE_REGULATION, bodyOffset),
        hash: 'probe',
      },
    ],
    cards: [],
  };
}

let fingerprint: string | undefined;

/** Hash of the analyzer and chunker as this code runs them (computed once per process). */
export function analysisFingerprint(): string {
  if (fingerprint) return fingerprint;
  const probe = {
    tables: analyzerTables(),
    slang: SLANG_EXPANSIONS,
    english: ENGLISH_TERMS,
    document: analyzeDocument(PROBE_QUESTION),
    query: analyzeQuery(PROBE_QUESTION),
    weights: [...weightedQueryTerms(PROBE_QUESTION)],
    lexiconSchemas: [z.toJSONSchema(SituationLexiconSchema, { io: 'input' }), z.toJSONSchema(NormalizeLexiconSchema, { io: 'input' })],
    chunks: chunkKnowledge(probeKnowledge()).map((c) => [c.id, c.label, c.quote, c.text]),
  };
  fingerprint = createHash('sha256').update(JSON.stringify(probe)).digest('hex');
  return fingerprint;
}

let localFingerprint: string | undefined;

/**
 * The local embedder's identity: its recipe name and its output on the probe, so a change to the
 * features (or to the analysis they use) gives a new model id — a new embedding cache and a rebuild.
 */
export function localEmbedderModel(): string {
  if (!localFingerprint) {
    const vector = new LocalEmbeddings().embedQuerySync(PROBE_QUESTION);
    localFingerprint = createHash('sha256').update(new Uint8Array(new Float32Array(vector).buffer)).digest('hex').slice(0, 12);
  }
  return `${LocalEmbeddings.MODEL}@${localFingerprint}`;
}

const lexiconHashes = new Map<string, string>();

/**
 * Hash of `knowledge/lexicon/*.yaml` (names and contents); the empty-input hash when there are
 * none. Remembered per process by the files' stat, so checking an index's format on every load
 * or no-op re-index does not read the lexicon again.
 */
export async function lexiconHash(knowledgeDir: string): Promise<string> {
  const dir = path.join(knowledgeDir, 'lexicon');
  let names: string[] = [];
  try {
    names = (await fs.readdir(dir)).filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const stats = await Promise.all(names.map((n) => fs.stat(path.join(dir, n))));
  const key = `${dir}\0${names.map((n, i) => `${n}:${stats[i]!.size}:${stats[i]!.mtimeMs}:${stats[i]!.ctimeMs}:${stats[i]!.ino}`).join('|')}`;
  const known = lexiconHashes.get(key);
  if (known) return known;
  const h = createHash('sha256');
  for (const name of names) h.update(`${name}\0`).update(await fs.readFile(path.join(dir, name))).update('\0');
  const hash = h.digest('hex');
  lexiconHashes.set(key, hash);
  return hash;
}

/** The format id an index must carry to be used by this code with this knowledge directory. */
export async function indexFormat(knowledgeDir: string): Promise<string> {
  return `${INDEX_LAYOUT}+${analysisFingerprint().slice(0, 16)}+${(await lexiconHash(knowledgeDir)).slice(0, 16)}`;
}
