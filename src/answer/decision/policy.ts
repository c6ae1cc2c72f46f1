/**
 * Every number the decision rules use, in one place, with why it has the value it has. The rules
 * (rules.ts) refer to these by name; nothing else in the answer layer holds a threshold.
 */
export const POLICY = {
  /**
   * How a card's fit to a situation is scored: the most specific act the question asks about
   * that the card covers counts fully, each later act a little less (the reader lists acts most
   * specific first), and the wording similarity adds a smaller share that breaks ties between
   * cards covering the same act.
   */
  fit: {
    actWeights: [1, 0.85, 0.7, 0.6, 0.5] as const,
    /** Most a card can get from acts: two well-placed acts, so a card listing every act cannot outscore a specific one. */
    actScoreCap: 1.6,
    /** An information card (sanctions, procedure) fits a "boleh?" question at this share of its act score. */
    informationCardOnConduct: 0.5,
    /** Bonus for a card about few acts (divided by how many it lists): a specific rule beats a catch-all. */
    specificityShare: 0.2,
    /** Bonus for a card written for exactly the actor's status (its actors list is that one status). */
    statusCardBonus: 0.3,
    /**
     * Bonus for a prohibiting card whose rule requires a circumstance the question states ("di luar
     * jam kerja", "saat cuti"): the narrower rule the user invoked. Only prohibiting cards: a
     * permissive card about family members acting must not outrank the card on a family candidate.
     */
    requiresBonus: 0.2,
    /** Share of the phrasing/vector similarity (0–1) added to the act score. */
    similarityShare: 0.35,
    /** A card that covers none of the question's acts needs this similarity to answer alone. */
    similarityOnly: 0.5,
    /** A card whose acts fit needs at least this fit (act + similarity) to decide. */
    minimum: 0.6,
    /**
     * A permissive card loses to a prohibiting card about another act the question describes when
     * the prohibiting fit is within this much ("layani seperti biasa … dan tempel poster caleg"):
     * the user asks about everything they told, and a wrong "boleh" costs more than a wrong "dilarang".
     */
    permissiveMargin: 0.3,
  },
  /**
   * When the reader found no act the cards know, the wording similarity alone decides, with the
   * thresholds used before situations existed (chosen on the dev set and one holdout sweep):
   * a prohibiting card is trusted from 0.33, any other card from 0.42, and a permissive card must
   * beat the best stricter card by 0.08 — a wrong "boleh" costs more than a wrong "dilarang".
   */
  similarity: {
    prohibiting: 0.33,
    other: 0.42,
    permissiveMargin: 0.08,
  },
  /** A regulation passage is "strong" when lexical retrieval ranks it this high and the vectors agree. */
  passage: { lexicalRank: 5, vectorWithLexical: 0.3, vectorAlone: 0.45 },
  /** Related cards offered as follow-ups must be at least this similar. */
  relatedCard: 0.3,
} as const;
