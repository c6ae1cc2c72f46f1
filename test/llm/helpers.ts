import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { PipelineResult } from '../../src/answer/pipeline.js';
import { AnswerPipeline } from '../../src/answer/pipeline.js';
import type { ChatBody, FakeOpenAIServer, PromptPassage } from '../support/fake-openai-server.js';
import { promptPassages, startFakeOpenAI } from '../support/fake-openai-server.js';
import { createTestApp, KNOWLEDGE_DIR, type TestApp } from '../support/test-app.js';

export const TIMEOUT_MS = 1500;

/** Env for createTestApp: the LLM composer talks to the fake; embeddings stay local. */
export function llmEnv(fake: FakeOpenAIServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_MODEL: 'netra-test-model',
    OPENAI_TIMEOUT_MS: String(TIMEOUT_MS),
    EMBEDDINGS_PROVIDER: 'local',
    // The failure tests call a failing endpoint many times in a row; the breaker has tests of its own.
    LLM_BREAKER_FAILURES: '1000',
    ...extra,
  };
}

/** The same index answered with no composer at all: what every fallback must equal. */
export function offlinePipeline(t: TestApp): AnswerPipeline {
  return new AnswerPipeline({ index: () => t.app.index.get(), today: t.app.config.today });
}

/** A verbatim run of 5–8 words from the passage text (at least 8 characters), never its first word. */
export function quoteFrom(text: string): string {
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words.length < 6) continue;
    const q = words.slice(1, Math.min(words.length - 1, 9)).join(' ');
    if (q.length >= 12 && text.includes(q)) return q;
  }
  throw new Error(`no quotable line in passage: ${text.slice(0, 120)}`);
}

/** The prompt's first passage from a primary regulation (not marked SEKUNDER/DICABUT/BERITA) with a quotable line. */
export function primaryPassage(body: ChatBody, exclude: string[] = []): PromptPassage & { quote: string } {
  for (const p of promptPassages(body)) {
    if (exclude.includes(p.id) || /\[(SEKUNDER|DICABUT|BERITA)\]$/.test(p.header)) continue;
    try {
      return { ...p, quote: quoteFrom(p.text) };
    } catch {
      /* try the next one */
    }
  }
  throw new Error(`no primary passage in prompt:\n${promptPassages(body).map((p) => p.header).join('\n')}`);
}

let corpusCache: string | undefined;
/** Every knowledge file's raw text, whitespace-collapsed. */
export function knowledgeCorpus(): string {
  if (corpusCache !== undefined) return corpusCache;
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else parts.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(KNOWLEDGE_DIR);
  corpusCache = collapse(parts.join('\n\u0000\n'));
  return corpusCache;
}

export function collapse(s: string): string {
  return s.replace(/\s+/g, ' ');
}

/** Every quote the user would see is present in some knowledge file. */
export function expectQuotesInKnowledge(result: PipelineResult): void {
  const corpus = knowledgeCorpus();
  for (const c of result.answer.citations) {
    expect(c.quote.length).toBeGreaterThan(0);
    expect(corpus.includes(collapse(c.quote)), `quote not in knowledge/: ${c.quote}`).toBe(true);
  }
}

/** A fake OpenAI-compatible server, a real Netra configured to use it, and the offline pipeline to compare with. */
export interface LlmTestApp {
  fake: FakeOpenAIServer;
  t: TestApp;
  offline: AnswerPipeline;
  close(): Promise<void>;
}

export async function startLlmTestApp(): Promise<LlmTestApp> {
  const fake = await startFakeOpenAI();
  const t = await createTestApp(llmEnv(fake));
  return {
    fake,
    t,
    offline: offlinePipeline(t),
    async close() {
      await t.close();
      await fake.close();
    },
  };
}
