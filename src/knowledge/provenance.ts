import type { KnowledgeDocument } from './knowledge-base.js';
import { type LegalNode, normalizeRef } from './legal-structure.js';
import { findNode } from './passages.js';
import { defaultProvenance, type Grade, type Provenance, type SectionProvenance } from './schemas.js';

/** A regulation's grades and sources as written in its front matter (`grade`, `source_url`, `sections`). */
export interface DocumentProvenance {
  /** The file-level grade, for every section not listed. */
  grade?: Grade;
  /** The file-level source (`source_url`). */
  source?: string;
  /** Per citation ref, as written in the front matter. */
  sections: Record<string, SectionProvenance>;
  /** Short names of the documents named in `superseded_by` (filled by the loader), for citations. */
  names?: Record<string, string>;
}

/** How sure one passage's text is and where to read it, resolved through its parents to the file level. */
export interface PassageProvenance {
  grade: Grade;
  provenance: Provenance;
  /** The page the text was taken from. */
  source: string;
  /** The page to link for this passage: the official page when one is known, else `source`. */
  link: string;
  /** The passage that replaced this one; `name` is "PP 17/2020 Pasal 254 ayat (4)". */
  supersededBy?: { doc: string; ref: string; name: string };
  note?: string;
}

/**
 * The provenance of `node`, field by field from the most specific listed ref (the node itself,
 * then its parents) to the file level; undefined when no grade or no source is found (news, or a
 * regulation whose front matter leaves the section out, which the loader rejects).
 */
export function passageProvenance(doc: KnowledgeDocument, node: LegalNode): PassageProvenance | undefined {
  const p = doc.provenance;
  if (!p) return undefined;
  const chain: SectionProvenance[] = [];
  for (let n: LegalNode | undefined = node; n; n = n.parent) {
    const own = entryFor(p, n.ref);
    if (own) chain.push(own);
  }
  const pick = <K extends keyof SectionProvenance>(key: K): SectionProvenance[K] | undefined => chain.find((e) => e[key] !== undefined)?.[key];
  const grade = pick('grade') ?? p.grade;
  const source = pick('source') ?? p.source;
  if (!grade || !source) return undefined;
  const replaced = pick('superseded_by');
  const note = pick('note');
  return {
    grade,
    provenance: pick('provenance') ?? defaultProvenance(grade),
    source,
    link: pick('page') ?? source,
    ...(replaced ? { supersededBy: { ...replaced, name: `${p.names?.[replaced.doc] ?? replaced.doc} ${replaced.ref}` } } : {}),
    ...(note ? { note } : {}),
  };
}

const sectionsByRef = new WeakMap<Record<string, SectionProvenance>, Map<string, SectionProvenance>>();

function entryFor(p: DocumentProvenance, ref: string): SectionProvenance | undefined {
  if (p.sections[ref]) return p.sections[ref];
  // The sections by normalised ref (first listed wins, as a scan would), built once per document:
  // checking a large corpus asks this for every node and each of its parents.
  let byRef = sectionsByRef.get(p.sections);
  if (!byRef) {
    byRef = new Map();
    for (const [key, value] of Object.entries(p.sections)) {
      const k = normalizeRef(key);
      if (!byRef.has(k)) byRef.set(k, value);
    }
    sectionsByRef.set(p.sections, byRef);
  }
  return byRef.get(normalizeRef(ref));
}

/**
 * Problems with the grades and sources of the regulations, each naming the file, the field and the
 * section: a listed ref that is not in the text, a section left without grade or source, a
 * `superseded_by` that does not resolve. News is cited as news and needs none.
 */
export function checkProvenance(documents: KnowledgeDocument[]): string[] {
  // Also records the short names of superseding documents, so citations can name them.
  const problems: string[] = [];
  for (const doc of documents) {
    if (doc.kind !== 'regulation') continue;
    const p = doc.provenance ?? { sections: {} };
    for (const [ref, entry] of Object.entries(p.sections)) {
      if (!findNode(doc, ref)) {
        problems.push(`${doc.file}: sections."${ref}" tidak ada di teks berkas ini (judul atau rujukan salah?)`);
        continue;
      }
      if (entry.superseded_by) {
        const target = documents.find((d) => d.id === entry.superseded_by!.doc);
        if (!target || !findNode(target, entry.superseded_by.ref)) {
          problems.push(`${doc.file}: sections."${ref}".superseded_by menunjuk ${entry.superseded_by.doc} "${entry.superseded_by.ref}" yang tidak ada di knowledge/`);
        } else {
          p.names = { ...p.names, [target.id]: target.shortName };
        }
      }
    }
    // Report the highest passage lacking a grade or a source: its children lack it too unless listed.
    for (const node of doc.nodes) {
      const resolved = passageProvenance(doc, node);
      const parentResolved = node.parent ? passageProvenance(doc, node.parent) : undefined;
      if (resolved || (node.parent && !parentResolved)) continue;
      const missing = gradeOf(doc, node) === undefined ? 'grade (A teks resmi, B OCR teks resmi, C dikutip media)' : 'sumber (source_url berkas atau sections."…".source)';
      problems.push(
        `${doc.file}: bagian "${node.ref}" tidak punya ${missing}; tambahkan di front matter: grade tingkat berkas, atau sections: {"${node.ref}": {grade: …, source: "https://…"}}`,
      );
    }
  }
  return problems;
}

function gradeOf(doc: KnowledgeDocument, node: LegalNode): Grade | undefined {
  const p = doc.provenance;
  if (!p) return undefined;
  for (let n: LegalNode | undefined = node; n; n = n.parent) {
    const g = entryFor(p, n.ref)?.grade;
    if (g) return g;
  }
  return p.grade;
}
