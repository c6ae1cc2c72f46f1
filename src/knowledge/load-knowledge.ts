import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { extractHtmlText, extractPdfText, htmlTitle, markPasalHeadings } from './extract-text.js';
import { FrontMatterError, type FrontMatterFile, parseFrontMatter } from './front-matter.js';
import type { CaseCard, DocumentKind, KnowledgeBase, KnowledgeDocument } from './knowledge-base.js';
import { KnowledgeValidationError } from './knowledge-base.js';
import { type LegalNode, parseLegalStructure } from './legal-structure.js';
import { checkLexicon, NormalizeLexiconSchema, SituationLexiconSchema } from './lexicon.js';
import { checkCardSituations } from './check-card-situations.js';
import { checkCardProvenance } from './check-card-provenance.js';
import { checkProvenance } from './provenance.js';
import { CURRENT_STATE_FILE, checkCurrentState } from './current-state.js';
import {
  CalendarSchema,
  CaseCardSchema,
  type CurrentState,
  CurrentStateSchema,
  describeZodError,
  type ElectionCalendar,
  NewsFrontMatterSchema,
  RegulationFrontMatterSchema,
  SidecarSchema,
} from './schemas.js';

const DOCUMENT_EXTENSIONS = new Set(['.md', '.txt', '.html', '.htm', '.pdf']);

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A document parsed by an earlier build, offered for re-use when its file (path relative to the
 * knowledge directory) still has content hash `hash`: a re-index then parses (or extracts from
 * PDF) only the documents that changed.
 */
export type ReuseDocument = (file: string, hash: string) => KnowledgeDocument | undefined;

/** What an earlier build already parsed; every document and card is still validated against the rest. */
export interface KnowledgeReuse {
  /** A document whose file still has this hash (the file is read to hash it). */
  reuse?: ReuseDocument;
  /** A document the caller knows to be unchanged (its file and sidecar are not even read). */
  unchangedDocument?: (file: string) => KnowledgeDocument | undefined;
  /** A case card the caller knows to be unchanged (not read). */
  unchangedCard?: (file: string) => CaseCard | undefined;
  /** The lexicon, when the caller knows its files are unchanged (not read, parsed or checked again). */
  unchangedLexicon?: () => { files: KnowledgeBase['lexicon']; hash: string } | undefined;
}

/**
 * Reads and validates everything under `knowledgeDir`. Every problem is collected (file and field),
 * and a {@link KnowledgeValidationError} lists them all at once, so an admin fixes a batch in one go.
 */
export async function loadKnowledge(knowledgeDir: string, options: KnowledgeReuse = {}): Promise<KnowledgeBase> {
  const reuse: ReuseDocument = options.reuse ?? (() => undefined);
  const problems: string[] = [];
  const documents: KnowledgeDocument[] = [];
  for (const [folder, kind] of [
    ['regulations', 'regulation'],
    ['news', 'news'],
  ] as const) {
    for (const file of await listFiles(path.join(knowledgeDir, folder))) {
      const ext = path.extname(file).toLowerCase();
      if (!DOCUMENT_EXTENSIONS.has(ext)) continue;
      const rel = path.relative(knowledgeDir, file);
      const unchanged = options.unchangedDocument?.(rel);
      if (unchanged) {
        documents.push(unchanged);
        continue;
      }
      try {
        documents.push(ext === '.md' ? await loadMarkdownDocument(file, rel, kind, reuse) : await loadPlainDocument(file, rel, kind, reuse));
      } catch (err) {
        problems.push(`${rel}: ${(err as Error).message}`);
      }
    }
  }
  const cards: CaseCard[] = [];
  for (const file of await listFiles(path.join(knowledgeDir, 'cases'))) {
    if (path.extname(file) !== '.md') continue;
    const rel = path.relative(knowledgeDir, file);
    try {
      cards.push(options.unchangedCard?.(rel) ?? (await loadCard(file, rel)));
    } catch (err) {
      problems.push(`${rel}: ${(err as Error).message}`);
    }
  }
  let calendar: ElectionCalendar = [];
  let currentState: CurrentState | undefined;
  const calendarHashes: string[] = [];
  for (const file of await listFiles(path.join(knowledgeDir, 'calendar'))) {
    if (!/\.ya?ml$/.test(file)) continue;
    const rel = path.relative(knowledgeDir, file);
    try {
      const raw = await fs.readFile(file, 'utf8');
      // The current state is a change of the calendar too: both count in the re-index change check.
      calendarHashes.push(sha256(raw));
      if (rel === CURRENT_STATE_FILE) currentState = validate(CurrentStateSchema, YAML.parse(raw));
      else calendar = calendar.concat(validate(CalendarSchema, YAML.parse(raw)));
    } catch (err) {
      problems.push(`${rel}: ${(err as Error).message}`);
    }
  }
  if (!currentState && !problems.some((p) => p.startsWith(CURRENT_STATE_FILE))) {
    problems.push(`${CURRENT_STATE_FILE}: berkas keadaan terkini tidak ada (salin dari repositori Netra)`);
  }
  const lexicon = options.unchangedLexicon?.() ?? (await loadLexicon(knowledgeDir, problems));
  problems.push(...duplicateIds(documents, cards), ...duplicateRefs(documents), ...checkProvenance(documents));
  problems.push(...checkCardProvenance(cards, documents));
  if (currentState) problems.push(...checkCurrentState(currentState, documents, calendar));
  if (lexicon) problems.push(...checkCardSituations(cards, lexicon.files.situation));
  if (problems.length > 0 || !lexicon || !currentState) throw new KnowledgeValidationError(problems);
  return {
    documents,
    cards,
    calendar,
    currentState,
    calendarHash: sha256(calendarHashes.join()),
    lexicon: lexicon.files,
    lexiconHash: lexicon.hash,
  };
}

/** Reads knowledge/lexicon/situation.yaml and normalize.yaml; problems are reported with the file name. */
async function loadLexicon(knowledgeDir: string, problems: string[]) {
  const dir = path.join(knowledgeDir, 'lexicon');
  const read = async (name: string) => {
    try {
      return await fs.readFile(path.join(dir, name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        problems.push(`lexicon/${name}: berkas kosakata situasi tidak ada (salin dari repositori Netra)`);
        return undefined;
      }
      throw err;
    }
  };
  const [situationRaw, normalizeRaw] = await Promise.all([read('situation.yaml'), read('normalize.yaml')]);
  if (situationRaw === undefined || normalizeRaw === undefined) return undefined;
  try {
    const situation = validate(SituationLexiconSchema, YAML.parse(situationRaw));
    const normalize = validate(NormalizeLexiconSchema, YAML.parse(normalizeRaw));
    const wrong = checkLexicon(situation);
    if (wrong.length > 0) {
      problems.push(...wrong.map((w) => `lexicon/situation.yaml: ${w}`));
      return undefined;
    }
    return { files: { situation, normalize }, hash: sha256(`${situationRaw}\n${normalizeRaw}`) };
  } catch (err) {
    problems.push(`lexicon: ${(err as Error).message}`);
    return undefined;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map((e) => path.join(dir, e.name))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function validate<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new Error(describeZodError(result.error));
  return result.data;
}

function citationName(shortName: string | undefined, fallback: string, status: string): string {
  if (!shortName) return fallback;
  // "PP 94/2021 (Disiplin PNS)" → "PP 94/2021"; the secondary annex keeps its "(menurut berita)" warning.
  return status === 'sekunder' ? shortName : shortName.replace(/\s*\(.*\)\s*$/, '').trim() || shortName;
}

/** "UU 7/2017 (UU Pemilu)" → ["UU Pemilu"]; "UU 10/2016 (UU Pilkada, perubahan kedua)" → ["UU Pilkada"]. */
function aliasesOf(shortName: string | undefined): string[] {
  const inner = shortName ? /\(([^)]*)\)/.exec(shortName)?.[1] : undefined;
  if (!inner) return [];
  return inner
    .split(',')
    .map((a) => a.trim())
    .filter((a) => /^(UU|PP|SKB|Perpres|Permen|Perbawaslu|SE)\b/i.test(a) || /\b(kode etik|manajemen)\b/i.test(a))
    // "UU ASN baru" and "UU ASN lama" are both what people call "UU ASN".
    .flatMap((a) => [a, a.replace(/\s+(baru|lama)$/i, '')])
    .filter((a, i, all) => all.indexOf(a) === i);
}

async function loadMarkdownDocument(file: string, rel: string, kind: DocumentKind, reuse: ReuseDocument): Promise<KnowledgeDocument> {
  const raw = await fs.readFile(file, 'utf8');
  const known = reuse(rel, sha256(raw));
  if (known) return known;
  let fm: FrontMatterFile;
  try {
    fm = parseFrontMatter(raw);
  } catch (err) {
    if (err instanceof FrontMatterError) throw new Error(err.message);
    throw err;
  }
  if (kind === 'regulation') {
    const meta = validate(RegulationFrontMatterSchema, fm.data);
    return {
      id: meta.id,
      kind,
      title: meta.title,
      shortName: citationName(meta.short_name, meta.id, meta.status),
      aliases: aliasesOf(meta.short_name),
      number: meta.number === undefined ? undefined : String(meta.number),
      type: meta.type,
      status: meta.status,
      replacedBy: meta.replaced_by,
      url: meta.source_url,
      provenance: { ...(meta.grade ? { grade: meta.grade } : {}), source: meta.source_url, sections: meta.sections },
      year: meta.year,
      file: rel,
      text: raw,
      bodyOffset: fm.bodyOffset,
      nodes: parseLegalStructure(raw, fm.bodyOffset),
      hash: sha256(raw),
    };
  }
  const meta = validate(NewsFrontMatterSchema, fm.data);
  return {
    id: meta.id,
    kind,
    title: meta.title,
    shortName: `${meta.outlet}${meta.date ? `, ${meta.date}` : ''}`,
    type: 'berita',
    status: 'berita',
    url: meta.url,
    date: meta.date,
    outlet: meta.outlet,
    file: rel,
    text: raw,
    bodyOffset: fm.bodyOffset,
    nodes: paragraphNodes(raw, fm.bodyOffset),
    hash: sha256(raw),
  };
}

/** Loads a .txt/.html/.pdf with its optional sidecar `<file>.meta.yaml`, or sensible defaults. */
async function loadPlainDocument(file: string, rel: string, kind: DocumentKind, reuse: ReuseDocument): Promise<KnowledgeDocument> {
  const bytes = await fs.readFile(file);
  const ext = path.extname(file).toLowerCase();
  let sidecarRaw = '';
  for (const candidate of [`${file}.meta.yaml`, `${file}.meta.yml`]) {
    try {
      sidecarRaw = await fs.readFile(candidate, 'utf8');
      break;
    } catch {
      // No sidecar: defaults below.
    }
  }
  const hash = sha256(Buffer.concat([bytes, Buffer.from(sidecarRaw)]));
  const known = reuse(rel, hash);
  if (known) return known;
  const meta = validate(SidecarSchema, sidecarRaw ? YAML.parse(sidecarRaw) : {});
  const effectiveKind = meta.kind ?? kind;
  let text: string;
  let title: string | undefined = meta.title;
  if (ext === '.pdf') text = await extractPdfText(new Uint8Array(bytes));
  else if (ext === '.html' || ext === '.htm') {
    const html = bytes.toString('utf8');
    text = extractHtmlText(html);
    title ??= htmlTitle(html);
  } else text = bytes.toString('utf8');
  if (text.trim().length === 0) throw new Error('tidak ada teks yang bisa dibaca (PDF hasil pindaian? jalankan OCR dulu)');
  if (effectiveKind === 'regulation') text = markPasalHeadings(text);
  title ??= text.split('\n').find((l) => l.trim().length > 0)?.replace(/^#+\s*/, '').trim().slice(0, 200) ?? rel;
  const id = meta.id ?? path.basename(file, ext).toLowerCase().replace(/[^a-z0-9_.-]+/g, '-');
  const status = effectiveKind === 'news' ? 'berita' : (meta.status ?? 'berlaku');
  return {
    id,
    kind: effectiveKind,
    title,
    shortName: effectiveKind === 'news' ? (meta.outlet ?? title) : title,
    type: meta.type ?? (effectiveKind === 'news' ? 'berita' : 'Dokumen'),
    status,
    replacedBy: meta.replaced_by,
    url: meta.source_url,
    ...(effectiveKind === 'regulation'
      ? { provenance: { ...(meta.grade ? { grade: meta.grade } : {}), ...(meta.source_url ? { source: meta.source_url } : {}), sections: meta.sections } }
      : {}),
    year: meta.year,
    date: meta.date ?? null,
    outlet: meta.outlet,
    file: rel,
    text,
    bodyOffset: 0,
    nodes: effectiveKind === 'regulation' ? parseLegalStructure(text, 0) : paragraphNodes(text, 0),
    hash,
  };
}

/** News is cited by paragraph; boilerplate lines ("Info Terkait", "Chat Via Whatsapp") are too short to count. */
export function paragraphNodes(text: string, from: number): LegalNode[] {
  const nodes: LegalNode[] = [];
  const re = /[^\n]+(?:\n[^\n]+)*/g;
  re.lastIndex = from;
  let n = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const chunk = m[0].trim();
    if (chunk.length < 40) continue;
    n += 1;
    const start = m.index + (m[0].length - m[0].trimStart().length);
    const end = start + chunk.length;
    nodes.push({ ref: `paragraf ${n}`, path: [`paragraf ${n}`], start, end, ownEnd: end, children: [] });
  }
  return nodes;
}

async function loadCard(file: string, rel: string): Promise<CaseCard> {
  const raw = await fs.readFile(file, 'utf8');
  const fm = parseFrontMatter(raw);
  const card = validate(CaseCardSchema, fm.data);
  if (card.id !== path.basename(file, '.md')) throw new Error(`id "${card.id}" harus sama dengan nama file`);
  return { ...card, body: fm.body.trim(), file: rel, hash: sha256(raw) };
}

/** Two "## Pasal 3" in one file would make citations ambiguous (amendment laws often repeat numbers). */
function duplicateRefs(documents: KnowledgeDocument[]): string[] {
  return documents.flatMap((d) => {
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const n of d.nodes) (seen.has(n.ref) ? twice : seen).add(n.ref);
    return [...twice].map((ref) => `${d.file}: "${ref}" muncul lebih dari sekali; beri judul yang berbeda (mis. "Pasal 3 (angka 2 perubahan)")`);
  });
}

function duplicateIds(documents: KnowledgeDocument[], cards: CaseCard[]): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const item of [...documents, ...cards]) {
    const other = seen.get(item.id);
    if (other) problems.push(`${item.file}: id "${item.id}" sudah dipakai oleh ${other}`);
    else seen.set(item.id, item.file);
  }
  return problems;
}
