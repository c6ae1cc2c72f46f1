import type { KnowledgeBase, KnowledgeDocument } from './knowledge-base.js';
import type { LegalNode } from './legal-structure.js';

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
