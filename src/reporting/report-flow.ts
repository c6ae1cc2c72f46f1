import { LIMITS } from './report-fields.js';
import type { DraftFields, EvidenceFile } from './report-model.js';
import {
  EDITABLE,
  STEP_GROUPS,
  STEP_IDS,
  STEPS,
  effectiveElection,
  type FlowContext,
  type StepChoice,
  type StepId,
  type StepInput,
} from './report-steps.js';
import { computeDeadline, describeDeadline } from './report-deadline.js';
import { formatDraftSummary } from './report-summary.js';
import { looksLikeQuestion } from './report-fields.js';

export { STEP_IDS, type FlowContext, type StepChoice, type StepId, type StepInput } from './report-steps.js';

/**
 * The reporting conversation as a pure state machine over the step objects of report-steps.ts:
 * given the saved state and one input it says what the next state is and what to ask. It does
 * no I/O, so the service can persist the state after every step and a restart resumes exactly
 * where the reporter was — including a pending "really cancel?" or the "Ubah" menu.
 */

/** The persisted state of one unfinished report. */
export interface DraftState {
  step: StepId;
  /** Steps visited, for `/kembali`; the current step is not in it. */
  history: StepId[];
  /** True while changing one answer from the summary: the flow returns to the summary afterwards. */
  editing: boolean;
  fields: DraftFields;
  /** A question asked on top of the step: confirm cancelling, or which part to change. */
  pending?: 'cancel' | 'edit_menu';
  /**
   * The delivered message (the platform's delivery id) whose input produced this state, and the
   * notice shown with it. Saved in the same write as the state, so a message delivered again after
   * its worker died between saving and acknowledging is answered again, not applied a second time.
   */
  applied?: AppliedDelivery;
}

/** See {@link DraftState.applied}. */
export interface AppliedDelivery {
  delivery: string;
  notice?: string;
  /** The delivery started the report (its reply was the introduction, then the first step). */
  started?: boolean;
}

/** What to show for the current state: a title, the question and its choices. */
export interface StepView {
  title: string;
  text: string;
  choices: StepChoice[];
}

export type FlowOutcome =
  /** Moved on, or stayed with something accepted; show `notice` (if any) and the view of `state`. */
  | { type: 'next'; state: DraftState; notice?: string }
  /** Not accepted; show `message` and ask the same thing again. Nothing was changed. */
  | { type: 'invalid'; message: string }
  | { type: 'submit' }
  /** The reporter confirmed cancelling: delete the draft and its files. */
  | { type: 'cancelled' };

/** Appended to every prompt so the two escape hatches are never a secret. */
export const HINT = '(/kembali untuk kembali, /batal untuk membatalkan)';

const KEEP: StepChoice = { id: 'keep', label: 'Tetap gunakan jawaban sebelumnya' };
const CANCEL_YES: StepChoice = { id: 'cancel:yes', label: 'Ya, batalkan dan hapus' };
const CANCEL_NO: StepChoice = { id: 'cancel:no', label: 'Tidak, lanjutkan laporan' };

/**
 * A fresh draft at the first step. `description` is what the user wrote before starting; it is
 * offered as the description only when it describes something, not when it asks a question.
 */
export function newDraft(prefill?: { description?: string }): DraftState {
  const description = prefill?.description?.trim();
  const usable = description && description.length >= LIMITS.chronology.min && !looksLikeQuestion(description);
  return {
    step: 'kind',
    history: [],
    editing: false,
    fields: { evidence: [], links: [], prefillDescription: usable ? description.slice(0, LIMITS.chronology.max) : undefined },
  };
}

/** The first step still unanswered (used to refuse an incomplete submission), or undefined. */
export function firstIncompleteStep(f: DraftFields, ctx: FlowContext): StepId | undefined {
  // Walk the path the reporter would take, so skipped branches (kindOther, known) are not demanded.
  let step: StepId = 'kind';
  for (let guard = 0; guard < STEP_IDS.length && step !== 'confirm'; guard++) {
    if (!STEPS[step].complete(f)) return step;
    step = STEPS[step].next(f, ctx);
  }
  return undefined;
}

function moveTo(state: DraftState, next: StepId, editing = state.editing): DraftState {
  let history = [...state.history, state.step];
  // Returning to a step already on the path cuts the loop, so repeated edits never grow the stack.
  const seen = history.indexOf(next);
  if (seen >= 0) history = history.slice(0, seen);
  const enter = STEPS[next].enter;
  const fields = enter ? enter(state.fields) : state.fields;
  return { step: next, history, editing: next === 'confirm' ? false : editing, fields };
}

function advance(state: DraftState, fields: DraftFields, ctx: FlowContext): DraftState {
  const current = STEPS[state.step];
  let next = current.next(fields, ctx);
  // While editing from the summary, go straight back once the next group is already answered;
  // within a group (the four parts of "Terlapor") every part is asked again.
  if (state.editing && next !== 'confirm' && STEPS[next].group !== current.group && STEPS[next].complete(fields)) next = 'confirm';
  return moveTo({ ...state, fields }, next);
}

/** One step back (`/kembali`), keeping every answer; undefined at the first step. */
export function goBack(state: DraftState): DraftState | undefined {
  if (state.pending) return { ...state, pending: undefined };
  const previous = state.history.at(-1);
  if (previous === undefined) return undefined;
  return { ...state, step: previous, history: state.history.slice(0, -1), editing: previous === 'confirm' ? false : state.editing };
}

/** `/batal`: asks first; the draft is deleted only after "Ya, batalkan". */
export function requestCancel(state: DraftState): DraftState {
  return { ...state, pending: 'cancel' };
}

/** Whether another evidence file fits (the per-report file limit). */
export function canAddFile(state: DraftState): boolean {
  return state.fields.evidence.length < LIMITS.maxFiles;
}

/** Records an evidence file the service has already stored. */
export function addEvidenceFile(state: DraftState, file: EvidenceFile): DraftState {
  return { ...state, fields: { ...state.fields, evidence: [...state.fields.evidence, file] } };
}

/** Applies one input to the current state. */
export function applyInput(state: DraftState, input: StepInput, ctx: FlowContext): FlowOutcome {
  const f = state.fields;
  const word = input.text.toLowerCase().replace(/[.!]+$/, '').trim();

  if (state.pending === 'cancel') {
    if (input.choiceId === CANCEL_YES.id || (input.choiceId === undefined && /^(ya|iya|y|batalkan|hapus)$/.test(word))) return { type: 'cancelled' };
    return { type: 'next', state: { ...state, pending: undefined }, notice: 'Laporan tidak dibatalkan; kita lanjutkan.' };
  }
  if (state.pending === 'edit_menu') {
    if (input.choiceId?.startsWith('edit:')) {
      const target = input.choiceId.slice('edit:'.length) as StepId;
      if (!EDITABLE.some((e) => e.step === target)) return { type: 'invalid', message: 'Pilihan itu tidak berlaku untuk langkah ini.' };
      if (target === 'consent' && f.anonymous) {
        return { type: 'invalid', message: 'Anda memilih anonim, jadi tidak ada identitas yang perlu disetujui. Pilih "Identitas" untuk mengubahnya.' };
      }
      return { type: 'next', state: moveTo({ ...state, pending: undefined }, target, true) };
    }
    return { type: 'invalid', message: 'Pilih bagian yang ingin diubah, atau ketik /kembali untuk kembali ke ringkasan.' };
  }

  if (input.choiceId === KEEP.id && state.step !== 'confirm') {
    if (!STEPS[state.step].complete(f)) return { type: 'invalid', message: 'Belum ada jawaban sebelumnya untuk langkah ini.' };
    return { type: 'next', state: advance(state, f, ctx) };
  }

  if (state.step === 'confirm') {
    const choiceId = input.choiceId ?? (/^(kirim|ya|kirimkan|setuju)$/.test(word) ? 'confirm:send' : /^(ubah|edit|perbaiki)$/.test(word) ? 'confirm:edit' : undefined);
    if (choiceId === 'confirm:send') return { type: 'submit' };
    if (choiceId === 'confirm:edit') return { type: 'next', state: { ...state, pending: 'edit_menu' } };
    if (choiceId === 'confirm:cancel') return { type: 'next', state: requestCancel(state) };
    return { type: 'invalid', message: 'Mohon pilih "Kirim", "Ubah", atau "Batal".' };
  }

  const result = STEPS[state.step].accept(input, f, ctx);
  switch (result.kind) {
    case 'invalid':
      return { type: 'invalid', message: result.message };
    case 'stay':
      return { type: 'next', state: { ...state, fields: result.fields }, notice: result.notice };
    case 'done':
      return { type: 'next', state: advance(state, result.fields, ctx), notice: result.notice };
  }
}

/** The choices the current state offers, in the order shown (numbered replies refer to this order). */
export function currentChoices(state: DraftState, ctx: FlowContext): StepChoice[] {
  if (state.pending === 'cancel') return [CANCEL_YES, CANCEL_NO];
  if (state.pending === 'edit_menu') {
    return EDITABLE.filter((e) => !(e.step === 'consent' && state.fields.anonymous)).map((e) => ({ id: `edit:${e.step}`, label: e.label }));
  }
  const step = STEPS[state.step];
  const keep = state.step !== 'confirm' && step.complete(state.fields) ? [KEEP] : [];
  return [...step.choices(state.fields, ctx), ...keep];
}

/** Where the reporter is, e.g. "Langkah 6 dari 9 · Uraian kejadian". */
export function stepTitle(state: DraftState): string {
  const step = STEPS[state.step];
  return step.group > 0 ? `Langkah ${step.group} dari ${STEP_GROUPS} · ${step.title}` : step.title;
}

/** The question for the current state, with its choices and the /kembali–/batal hint. */
export function view(state: DraftState, ctx: FlowContext): StepView {
  const choices = currentChoices(state, ctx);
  if (state.pending === 'cancel') {
    return {
      title: 'Batalkan laporan?',
      text: ['Batalkan laporan?', 'Semua isian dan bukti yang sudah Anda kirim akan dihapus dan tidak dapat dikembalikan.'].join('\n'),
      choices,
    };
  }
  if (state.pending === 'edit_menu') {
    return { title: 'Ubah laporan', text: `Bagian mana yang ingin Anda ubah? Setelah diubah, ringkasan akan ditampilkan lagi.\n${HINT}`, choices };
  }
  const f = state.fields;
  const title = stepTitle(state);
  const body =
    state.step === 'confirm' ? confirmBody(f, ctx) : STEPS[state.step].body(f, ctx);
  return { title, text: [title, ...body, HINT].join('\n'), choices };
}

function confirmBody(f: DraftFields, ctx: FlowContext): string[] {
  const body = [formatDraftSummary(f)];
  if (f.election && f.incidentDate) {
    const stage = ctx.electionOn(f.incidentDate);
    const deadline = stage.running ? computeDeadline(effectiveElection(f.election, stage), f.knownDate ?? f.incidentDate, ctx.today) : undefined;
    if (deadline) body.push('', `⏳ ${describeDeadline(deadline)}`);
  }
  body.push('', 'Periksa kembali. Kirim laporan ini?');
  return body;
}
