import { stageOn } from './election-stage.js';
import type { KnowledgeDocument } from './knowledge-base.js';
import { findNode } from './passages.js';
import { passageProvenance } from './provenance.js';
import type { CurrentState, ElectionCalendar, Grade } from './schemas.js';

/** The file the current state is read from, relative to the knowledge directory. */
export const CURRENT_STATE_FILE = 'calendar/current-state.yaml';

const GRADE_ORDER: Record<Grade, number> = { A: 0, B: 1, C: 2 };

/**
 * Checks the current state against the rest of the knowledge base, each problem naming the file
 * and the field: every `basis` resolves to a passage; a fact is graded no better than the weakest
 * law text it rests on (a fact resting on a C passage is C); `stage_running` agrees with the
 * calendar on `checked_on`; no fact is dated after `checked_on`.
 */
export function checkCurrentState(state: CurrentState, documents: KnowledgeDocument[], calendar: ElectionCalendar): string[] {
  const problems: string[] = [];
  const at = (field: string, message: string) => problems.push(`${CURRENT_STATE_FILE}: ${field}: ${message}`);
  for (const [id, fact] of Object.entries(state.facts)) {
    fact.basis.forEach((b, i) => {
      const doc = documents.find((d) => d.id === b.doc);
      const node = doc ? findNode(doc, b.ref) : undefined;
      if (!doc || !node) {
        at(`facts.${id}.basis[${i}]`, `${b.doc} "${b.ref}" tidak ada di knowledge/regulations`);
        return;
      }
      const grade = passageProvenance(doc, node)?.grade;
      if (grade && GRADE_ORDER[grade] > GRADE_ORDER[fact.grade]) {
        at(`facts.${id}.grade`, `${fact.grade} lebih tinggi dari dasar ${doc.shortName} ${node.ref} (tingkat ${grade}); fakta paling tinggi setingkat dasarnya yang terlemah`);
      }
    });
    if (fact.as_of > state.checked_on) at(`facts.${id}.as_of`, `${fact.as_of} setelah checked_on ${state.checked_on}`);
  }
  const stage = stageOn(calendar, state.checked_on);
  const running = stage.phase !== 'di_luar_tahapan' && !stage.regions;
  if (running !== state.stage_running) {
    at('stage_running', `${state.stage_running} tidak sesuai kalender pada ${state.checked_on} (${running ? `sedang berjalan: ${stage.election?.name}` : 'tidak ada tahapan'})`);
  }
  if (state.facts.tahapan.data.stage_running !== state.stage_running) {
    at('facts.tahapan.data.stage_running', 'harus sama dengan stage_running');
  }
  return problems;
}
