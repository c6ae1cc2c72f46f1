import { z } from 'zod';
import type { KnowledgeBase, KnowledgeDocument } from './knowledge-base.js';
import type { LegalNode } from './legal-structure.js';
import { NormalizeLexiconSchema, SituationLexiconSchema } from './lexicon.js';
import { CalendarSchema, CaseCardSchema, CurrentStateSchema, GradeSchema, SectionProvenanceSchema } from './schemas.js';

interface FlatNode {
  ref: string;
  path: string[];
  start: number;
  end: number;
  ownEnd: number;
  parent: number;
}

type SnapshotDocument = Omit<KnowledgeDocument, 'nodes'> & { nodes: FlatNode[] };

/** The knowledge base as stored beside an index, so a running bot answers from exactly what was indexed. */
export interface KnowledgeSnapshot {
  documents: SnapshotDocument[];
  cards: KnowledgeBase['cards'];
  calendar: KnowledgeBase['calendar'];
  currentState: KnowledgeBase['currentState'];
  calendarHash: string;
  lexicon: KnowledgeBase['lexicon'];
  lexiconHash: string;
}

export function toSnapshot(kb: KnowledgeBase): KnowledgeSnapshot {
  return {
    documents: kb.documents.map((d) => {
      const index = new Map(d.nodes.map((n, i) => [n, i] as const));
      return {
        ...d,
        nodes: d.nodes.map((n) => ({
          ref: n.ref,
          path: n.path,
          start: n.start,
          end: n.end,
          ownEnd: n.ownEnd,
          parent: n.parent ? (index.get(n.parent) ?? -1) : -1,
        })),
      };
    }),
    cards: kb.cards,
    calendar: kb.calendar,
    currentState: kb.currentState,
    calendarHash: kb.calendarHash,
    lexicon: kb.lexicon,
    lexiconHash: kb.lexiconHash,
  };
}

export function fromSnapshot(s: KnowledgeSnapshot): KnowledgeBase {
  return {
    documents: s.documents.map((d) => {
      const nodes: LegalNode[] = d.nodes.map((n) => ({
        ref: n.ref,
        path: n.path,
        start: n.start,
        end: n.end,
        ownEnd: n.ownEnd,
        children: [],
      }));
      d.nodes.forEach((n, i) => {
        if (n.parent >= 0) {
          nodes[i]!.parent = nodes[n.parent];
          nodes[n.parent]!.children.push(nodes[i]!);
        }
      });
      return { ...d, nodes };
    }),
    cards: s.cards,
    calendar: s.calendar,
    currentState: s.currentState,
    calendarHash: s.calendarHash,
    lexicon: s.lexicon,
    lexiconHash: s.lexiconHash,
  };
}

const FlatNodeSchema = z.object({
  ref: z.string(),
  path: z.array(z.string()),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  ownEnd: z.number().int().min(0),
  parent: z.number().int().min(-1),
});

const SnapshotDocumentSchema = z.object({
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
  nodes: z.array(FlatNodeSchema),
  hash: z.string(),
});

/** The snapshot as stored in an index build (`knowledge.json`), validated when read back. */
export const KnowledgeSnapshotSchema = z.object({
  documents: z.array(SnapshotDocumentSchema),
  cards: z.array(z.intersection(CaseCardSchema, z.object({ body: z.string(), file: z.string(), hash: z.string() }))),
  calendar: CalendarSchema,
  currentState: CurrentStateSchema,
  calendarHash: z.string(),
  lexicon: z.object({ situation: SituationLexiconSchema, normalize: NormalizeLexiconSchema }),
  lexiconHash: z.string(),
});

/**
 * Validates a snapshot read back from disk, including that every node lies inside its document's
 * text and names an earlier node as parent (the tree is rebuilt from those indexes).
 */
export function parseSnapshot(json: unknown): KnowledgeSnapshot {
  const s = KnowledgeSnapshotSchema.parse(json);
  for (const d of s.documents) {
    d.nodes.forEach((n, i) => {
      if (n.end > d.text.length || n.start > n.end || n.parent >= i) throw new Error(`knowledge snapshot: node ${n.ref} of ${d.id} is out of place`);
    });
  }
  return s;
}
