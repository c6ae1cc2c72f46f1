import type { Situation } from './situation/situation.js';

/** What kind of help the question asks for, as the composers and the LLM prompt name it. */
export type QuestionIntent = 'conduct' | 'sanction' | 'report' | 'news' | 'info' | 'greeting' | 'recommendation';

/**
 * A short view of the situation for the composers and the LLM composer: the language to answer
 * in, what is asked, and whether to offer the reporting flow. Derived from the situation only;
 * nothing here reads the question's words again.
 */
export interface Understanding {
  text: string;
  language: 'id' | 'en';
  intent: QuestionIntent;
  /** The user describes what someone else did, asks how to report, or was ordered by a superior: offer the reporting flow. */
  escalate: boolean;
  incident: boolean;
  injection: boolean;
  claimsRepeal: boolean;
  followUp: boolean;
  /** A date the act happened on, when the question gives one. */
  actDate?: string;
}

const INTENT: Record<Situation['speech']['act'], QuestionIntent> = {
  conduct: 'conduct',
  report_how: 'report',
  sanction: 'sanction',
  official_said: 'news',
  date_stage: 'info',
  article_text: 'info',
  overview: 'info',
  greeting: 'greeting',
  thanks: 'greeting',
  recommendation: 'recommendation',
  off_topic: 'conduct',
  empty: 'conduct',
};

export function understandingOf(question: string, s: Situation): Understanding {
  const offTopic = s.speech.act === 'off_topic' || s.speech.act === 'empty';
  const ordered = s.circumstances.ordered_by_superior?.value === true && s.acts.length > 0;
  return {
    text: question,
    language: s.language,
    intent: INTENT[s.speech.act],
    escalate: !offTopic && (s.incident || s.wantsToReport || ordered),
    incident: s.incident,
    injection: s.injection,
    claimsRepeal: s.claimsRepeal,
    followUp: s.followUp,
    actDate: s.date,
  };
}
