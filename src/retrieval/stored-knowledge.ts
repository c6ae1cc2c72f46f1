import { z } from 'zod';
import type { KnowledgeBase, KnowledgeDocument } from '../knowledge/knowledge-base.js';
import type { LegalNode } from '../knowledge/legal-structure.js';
import { NormalizeLexiconSchema, SituationLexiconSchema } from '../knowledge/lexicon.js';
import { CalendarSchema, CaseCardSchema, CurrentStateSchema, GradeSchema, SectionProvenanceSchema } from '../knowledge/schemas.js';
import { BinaryArraysFileError, decodeArraysFile, encodeArraysFile, requireArray } from './binary-arrays-file.js';
import { stringArray } from './bulk-schemas.js';

/**
 * The knowledge base as stored beside an index (so a running bot answers from exactly what was
 * indexed): `knowledge.json` holds the documents with their text, the cards, calendar, current
 * state and lexicon, validated with zod when read back; the legal-structure offsets of every node
 * (four numbers each, tens of thousands of nodes at 100× the corpus) go into `knowledge-nodes.bin`
 * as arrays, checked against the text they point into. Refs and path segments stay in the JSON.
 */

const NodeColumnsSchema = z.object({
  ref: stringArray(),
  /** The last path segment of each node; the path is the parent's path plus this. */
  segment: stringArray(),
});

const StoredDocumentSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['regulation', 'news']),
  title: z.string(),
  shortName: z.string(),
  aliases: z.array(z.string()).optional(),
  number: z.string().optional(),
  type: z.string(),
  status: z.enum(['berlaku', 'dicabut', 'sekunder', 'berita']),
  replacedBy: z.string().optional(),
  url: z.string().optional(),
  provenance: z
    .object({
      grade: GradeSchema.optional(),
      source: z.string().optional(),
      sections: z.record(z.string(), SectionProvenanceSchema),
      names: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  year: z.number().int().optional(),
  date: z.string().nullable().optional(),
  outlet: z.string().optional(),
  file: z.string(),
  text: z.string(),
  bodyOffset: z.number().int().min(0),
  hash: z.string(),
  nodes: NodeColumnsSchema,
});

const StoredKnowledgeSchema = z.object({
  documents: z.array(StoredDocumentSchema),
  cards: z.array(z.intersection(CaseCardSchema, z.object({ body: z.string(), file: z.string(), hash: z.string() }))),
  calendar: CalendarSchema,
  currentState: CurrentStateSchema,
  calendarHash: z.string(),
  lexicon: z.object({ situation: SituationLexiconSchema, normalize: NormalizeLexiconSchema }),
  lexiconHash: z.string(),
});

const NodesMetaSchema = z.object({ documents: z.number().int().min(0) });

/** The two files of a stored knowledge base. */
export interface StoredKnowledge {
  json: string;
  nodes: Buffer;
}

export function encodeKnowledge(kb: KnowledgeBase): StoredKnowledge {
  const all = kb.documents.flatMap((d) => d.nodes);
  const start = new Uint32Array(all.length);
  const end = new Uint32Array(all.length);
  const ownEnd = new Uint32Array(all.length);
  const parent = new Uint32Array(all.length);
  let at = 0;
  const documents = kb.documents.map((d) => {
    const position = new Map(d.nodes.map((n, i) => [n, i] as const));
    d.nodes.forEach((n, i) => {
      const p = n.parent ? position.get(n.parent) : undefined;
      // The path is always the parent's plus one segment (legal-structure.ts); check rather than assume.
      const expected = n.parent ? [...n.parent.path, n.path.at(-1)] : [n.path.at(-1)];
      if (n.path.length === 0 || expected.join('\u0000') !== n.path.join('\u0000') || (n.parent && (p === undefined || p >= i))) {
        throw new Error(`${d.file}: node ${n.ref} cannot be stored (its path or parent is not its parent's)`);
      }
      start[at] = n.start;
      end[at] = n.end;
      ownEnd[at] = n.ownEnd;
      parent[at] = p === undefined ? 0 : p + 1;
      at++;
    });
    const { nodes, ...rest } = d;
    return { ...rest, nodes: { ref: nodes.map((n) => n.ref), segment: nodes.map((n) => n.path.at(-1)!) } };
  });
  const json = JSON.stringify({
    documents,
    cards: kb.cards,
    calendar: kb.calendar,
    currentState: kb.currentState,
    calendarHash: kb.calendarHash,
    lexicon: kb.lexicon,
    lexiconHash: kb.lexiconHash,
  });
  return { json, nodes: encodeArraysFile({ documents: documents.length }, { start, end, ownEnd, parent }) };
}

/** Reads a stored knowledge base back; throws naming what is wrong. */
export function decodeKnowledge(stored: StoredKnowledge): KnowledgeBase {
  let json: unknown;
  try {
    json = JSON.parse(stored.json);
  } catch {
    throw new Error('knowledge.json bukan JSON yang utuh');
  }
  const parsed = StoredKnowledgeSchema.safeParse(json);
  if (!parsed.success) throw new Error(`knowledge.json tidak valid (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  const s = parsed.data;
  const { meta, arrays } = decodeArraysFile(stored.nodes, NodesMetaSchema);
  const start = requireArray(arrays, 'start', 'u32');
  const end = requireArray(arrays, 'end', 'u32');
  const ownEnd = requireArray(arrays, 'ownEnd', 'u32');
  const parent = requireArray(arrays, 'parent', 'u32');
  const total = s.documents.reduce((sum, d) => sum + d.nodes.ref.length, 0);
  if (meta.documents !== s.documents.length || [start, end, ownEnd, parent].some((a) => a.length !== total)) {
    throw new BinaryArraysFileError('knowledge-nodes.bin tidak cocok dengan knowledge.json');
  }
  let at = 0;
  const documents: KnowledgeDocument[] = s.documents.map((d) => {
    const { ref, segment } = d.nodes;
    if (segment.length !== ref.length) throw new Error(`knowledge.json tidak valid (${d.id}: ref dan segment tidak sama panjang)`);
    const nodes: LegalNode[] = new Array(ref.length);
    for (let i = 0; i < ref.length; i++, at++) {
      const p = parent[at]! - 1;
      if (end[at]! > d.text.length || ownEnd[at]! > d.text.length || start[at]! > end[at]! || p >= i) {
        throw new BinaryArraysFileError(`knowledge-nodes.bin: node ${ref[i]} of ${d.id} is out of place`);
      }
      const parentNode = p >= 0 ? nodes[p] : undefined;
      const node: LegalNode = {
        ref: ref[i]!,
        path: parentNode ? [...parentNode.path, segment[i]!] : [segment[i]!],
        start: start[at]!,
        end: end[at]!,
        ownEnd: ownEnd[at]!,
        children: [],
      };
      if (parentNode) {
        node.parent = parentNode;
        parentNode.children.push(node);
      }
      nodes[i] = node;
    }
    return { ...d, nodes };
  });
  return {
    documents,
    cards: s.cards,
    calendar: s.calendar,
    currentState: s.currentState,
    calendarHash: s.calendarHash,
    lexicon: s.lexicon,
    lexiconHash: s.lexiconHash,
  };
}
