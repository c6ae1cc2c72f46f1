import type { KnowledgeBase } from '../../knowledge/knowledge-base.js';
import { compileLexicon, type SituationLexicon } from '../../knowledge/lexicon.js';

const cache = new WeakMap<KnowledgeBase, SituationLexicon>();

/** The lexicon of a loaded knowledge base, compiled once per index load (a re-index brings a new one). */
export function lexiconOf(kb: KnowledgeBase): SituationLexicon {
  let lex = cache.get(kb);
  if (!lex) {
    lex = compileLexicon(kb.lexicon.situation, kb.lexicon.normalize);
    cache.set(kb, lex);
  }
  return lex;
}
