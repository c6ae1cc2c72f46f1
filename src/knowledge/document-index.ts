import type { KnowledgeDocument } from './knowledge-base.js';

const byId = new WeakMap<readonly KnowledgeDocument[], { length: number; map: Map<string, KnowledgeDocument> }>();

/**
 * The document with `id` (the first, as `documents.find` would give), from a map built once per
 * document list: citations and checks look documents up many times per question, and a scan of a
 * legal library of thousands of regulations for each lookup grows with the library.
 */
export function documentById(documents: readonly KnowledgeDocument[], id: string): KnowledgeDocument | undefined {
  let index = byId.get(documents);
  // A list still being filled (the loader pushes while it reads) is indexed again once it grew.
  if (!index || index.length !== documents.length) {
    const map = new Map<string, KnowledgeDocument>();
    for (const d of documents) if (!map.has(d.id)) map.set(d.id, d);
    index = { length: documents.length, map };
    byId.set(documents, index);
  }
  return index.map.get(id);
}
