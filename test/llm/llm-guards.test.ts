import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/answer/answer-contract.js';
import type { AnswerPipeline } from '../../src/answer/pipeline.js';
import { acceptsModelVerdict } from '../../src/llm/verdict-strictness.js';
import { type ChatBody, type FakeOpenAIServer, promptPassages, startFakeOpenAI } from '../support/fake-openai-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { llmEnv, offlinePipeline, primaryPassage } from './helpers.js';

/**
 * The model's free text, its verdict and the endpoint's health are all guarded. Every test is
 * bounded by its timeout (no stopwatch): a guard that failed to fire would hang or answer with
 * the model's text, and the assertions look at what the user gets and what was sent.
 */
const QUESTION = 'Bolehkah PNS like postingan caleg di Instagram?';

let fake: FakeOpenAIServer;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());

const apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  fake.reset();
});

async function app(extra: Record<string, string> = {}, logger?: pino.Logger): Promise<{ t: TestApp; offline: AnswerPipeline }> {
  const t = await createTestApp(llmEnv(fake, extra), logger ? { logger } : {});
  apps.push(t);
  return { t, offline: offlinePipeline(t) };
}

/** The model answers `dilarang` with one genuine citation and the answer text `text(passage)`. */
function modelWrites(text: (p: ReturnType<typeof primaryPassage>, body: ChatBody) => string, verdict: Verdict = 'dilarang') {
  fake.respond((body) => {
    const p = primaryPassage(body);
    return { kind: 'toolCall', args: { verdict, answer: text(p, body), citations: [{ passage: p.id, quote: p.quote }], escalate: false } };
  });
}

/** "PP 94/2021, Pasal 5 huruf n angka 4" → { law: "PP 94/2021", ref: "Pasal 5 huruf n angka 4" }. */
function headerParts(header: string): { law: string; ref: string } {
  const [law, ref] = header.replace(/ \[[A-Z]+\]$/, '').split(', ');
  return { law: law!, ref: ref! };
}

describe('the free-text answer is verified against the corpus', () => {
  // One app for the block: these tests only change what the fake model says.
  let t: TestApp;
  let offline: AnswerPipeline;
  beforeAll(async () => {
    t = await createTestApp(llmEnv(fake));
    offline = offlinePipeline(t);
  });
  afterAll(() => t.close());

  it('a text that quotes its passage and names its article, with its law, is used', async () => {
    modelWrites((p) => {
      const { law, ref } = headerParts(p.header);
      return `Tidak boleh. ${ref} ${law} menyebutkan “${p.quote}”.`;
    });
    const r = await t.app.pipeline.ask(QUESTION);
    expect(r.composer).toBe('llm');
    expect(r.answer.answer).toContain('Tidak boleh.');
  });

  it('a real article of a named law is accepted, whichever way the law is written', async () => {
    modelWrites(() => 'Tidak boleh: Pasal 5 huruf n angka 4 PP 94/2021, sejalan dengan Peraturan Pemerintah Nomor 94 Tahun 2021 Pasal 4.');
    const r = await t.app.pipeline.ask(QUESTION);
    expect(r.composer).toBe('llm');
  });

  it('an article named without its law is accepted when a cited document has it', async () => {
    modelWrites((p) => `Tidak boleh, lihat ${headerParts(p.header).ref}.`);
    const r = await t.app.pipeline.ask(QUESTION);
    expect(r.composer).toBe('llm');
  });

  const invented: [string, (p: ReturnType<typeof primaryPassage>) => string][] = [
    ['an article the named law does not have', () => 'Menurut PP 94/2021 Pasal 99 ayat (7) yang berbunyi, PNS dilarang menyukai unggahan calon.'],
    ['an ayat the article does not have', () => 'Tidak boleh menurut Pasal 5 ayat (42) PP 94/2021.'],
    ['a huruf the article does not have', () => 'Tidak boleh menurut PP Nomor 94 Tahun 2021 Pasal 5 huruf z.'],
    ['an article no cited document has, with no law named', () => 'Tidak boleh, sebagaimana diatur Pasal 999.'],
    ['a law that is not in the corpus', () => 'Tidak boleh menurut UU Nomor 99 Tahun 2030 tentang Media Sosial.'],
    ['a quote in curly quotes that no passage contains', () => 'Aturannya berbunyi “PNS dilarang menyukai unggahan calon pada hari Minggu”.'],
    ['a quote in straight quotes that no passage contains', () => 'Aturannya berbunyi "setiap like dihitung sebagai kampanye terbuka".'],
    ['a real quote with one word changed', (p) => `Aturannya berbunyi “${p.quote.replace(/\S+$/, 'bohong')}”.`],
  ];
  it.each(invented)('%s: the offline answer is given instead', async (_name, text) => {
    modelWrites(text);
    const r = await t.app.pipeline.ask(QUESTION);
    expect(fake.requests).toHaveLength(1);
    expect(r.composer, r.answer.answer).toBe('offline');
    expect(r.fellBack).toBe(true);
    expect(r.answer).toEqual((await offline.ask(QUESTION)).answer);
    expect(t.app.llm?.health().lastFailure?.kind).toBe('unverified_text');
  });
});

describe('the verdict is the offline decision; the model may only keep or tighten it', () => {
  it('follows the strictness order boleh < boleh_bersyarat < tidak_pasti < dilarang', () => {
    const order: Verdict[] = ['boleh', 'boleh_bersyarat', 'tidak_pasti', 'dilarang'];
    for (const [i, offline] of order.entries()) {
      for (const [j, model] of order.entries()) expect(acceptsModelVerdict(offline, model), `${offline} → ${model}`).toBe(j >= i);
    }
    expect(acceptsModelVerdict('informasi', 'informasi')).toBe(true);
    expect(acceptsModelVerdict('informasi', 'dilarang')).toBe(true);
    expect(acceptsModelVerdict('informasi', 'boleh')).toBe(false);
    expect(acceptsModelVerdict('informasi', 'tidak_pasti')).toBe(false);
    expect(acceptsModelVerdict('dilarang', 'informasi')).toBe(false);
    expect(acceptsModelVerdict('di_luar_topik', 'dilarang')).toBe(false);
  });
});

describe('a misbehaving endpoint costs little and is left alone for a while', () => {
  it('hanging: the question is answered offline when its budget runs out', async () => {
    const { t, offline } = await app({ LLM_BUDGET_MS: '400' });
    fake.respond(() => ({ kind: 'hang' }));
    const r = await t.app.pipeline.ask(QUESTION);
    expect(r.fellBack).toBe(true);
    expect(r.answer).toEqual((await offline.ask(QUESTION)).answer);
    expect(t.app.llm?.health().lastFailure?.kind).toBe('timeout');
  }, 10_000);

  it('slow drip: a reply trickling in byte by byte is abandoned at the budget', async () => {
    const { t } = await app({ LLM_BUDGET_MS: '400' });
    fake.respond((body) => {
      const p = primaryPassage(body);
      return { kind: 'drip', intervalMs: 50, args: { verdict: 'dilarang', answer: 'Tidak boleh.', citations: [{ passage: p.id, quote: p.quote }], escalate: false } };
    });
    const r = await t.app.pipeline.ask(QUESTION);
    expect(r.composer).toBe('offline');
    expect(t.app.llm?.health().lastFailure?.kind).toBe('timeout');
  }, 10_000);

  it('429 with Retry-After opens the breaker at once: the next questions do not call the endpoint', async () => {
    const { t } = await app({ LLM_BREAKER_FAILURES: '3', LLM_BREAKER_COOLDOWN_MS: '1000' });
    fake.respond(() => ({ kind: 'httpError', status: 429, message: 'Rate limit reached', headers: { 'retry-after': '120' } }));
    await t.app.pipeline.ask(QUESTION);
    const calls = fake.requests.length;
    expect(calls).toBeGreaterThanOrEqual(1);
    const health = t.app.llm!.health();
    expect(health.state).toBe('open');
    expect(health.lastFailure).toMatchObject({ kind: 'rate_limited', status: 429 });
    // Retry-After (120 s) outlasts the configured cooldown (1 s).
    expect(Date.parse(health.retryAt!) - Date.now()).toBeGreaterThan(60_000);
    for (let i = 0; i < 5; i++) expect((await t.app.pipeline.ask(QUESTION)).fellBack).toBe(true);
    expect(fake.requests).toHaveLength(calls);
    expect(t.app.llm!.health().counts.skipped).toBe(5);
  });

  it('after the cooldown one trial call goes out, and a good answer closes the breaker', async () => {
    const { t } = await app({ LLM_BREAKER_FAILURES: '2', LLM_BREAKER_COOLDOWN_MS: '300' });
    fake.respond(() => ({ kind: 'httpError', status: 503, message: 'overloaded' }));
    await t.app.pipeline.ask(QUESTION);
    await t.app.pipeline.ask(QUESTION);
    expect(t.app.llm!.health().state).toBe('open');
    const failedCalls = fake.requests.length;
    await t.app.pipeline.ask(QUESTION);
    expect(fake.requests).toHaveLength(failedCalls); // open: not called
    await new Promise((r) => setTimeout(r, 350));
    modelWrites(() => 'Tidak boleh.');
    const r = await t.app.pipeline.ask(QUESTION);
    expect(fake.requests).toHaveLength(failedCalls + 1);
    expect(r.composer).toBe('llm');
    expect(t.app.llm!.health()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('invalid JSON is a fallback but not an endpoint failure: the breaker stays closed', async () => {
    const { t } = await app({ LLM_BREAKER_FAILURES: '2' });
    fake.respond(() => ({ kind: 'rawArguments', text: '{"verdict": "dilarang", "answer": ' }));
    for (let i = 0; i < 4; i++) expect((await t.app.pipeline.ask(QUESTION)).fellBack).toBe(true);
    expect(fake.requests).toHaveLength(4);
    expect(t.app.llm!.health()).toMatchObject({ state: 'closed', lastFailure: { kind: 'invalid_output' } });
  });

  it('at most LLM_MAX_CONCURRENT calls are in flight; the other questions are answered offline at once', async () => {
    const { t } = await app({ LLM_MAX_CONCURRENT: '1', LLM_BUDGET_MS: '800' });
    fake.respond(() => ({ kind: 'hang' }));
    const results = await Promise.all([QUESTION, QUESTION, QUESTION].map((q) => t.app.pipeline.ask(q)));
    expect(results.every((r) => r.fellBack && r.answer.verdict === 'dilarang')).toBe(true);
    expect(fake.requests).toHaveLength(1);
    expect(t.app.llm!.health().counts).toMatchObject({ calls: 1, skipped: 2 });
  }, 10_000);
});

describe('logs never carry the question or the model output', () => {
  it('a model echoing the question in malformed output, or in unverified text, leaves no trace of either in the log', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'trace' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const { t } = await app({}, logger);
    const question = 'Bolehkah PNS like postingan caleg MARKER-QUESTION-7731 di Instagram?';
    fake.respond(() => ({ kind: 'rawArguments', text: `not json: you asked "${question}" MARKER-OUTPUT-9907` }));
    await t.conversation.handle({ channel: 'console', chatId: 'c1', userId: 'u1', isPrivate: true, text: question });
    fake.respond((body) => {
      const p = promptPassages(body)[0]!;
      return { kind: 'toolCall', args: { verdict: 'dilarang', answer: `Anda bertanya "${question}": Pasal 77 MARKER-OUTPUT-9907`, citations: [{ passage: p.id, quote: p.text.slice(0, 40) }], escalate: false } };
    });
    await t.conversation.handle({ channel: 'console', chatId: 'c1', userId: 'u1', isPrivate: true, text: question });
    const log = lines.join('');
    expect(log).toContain('LLM'); // the fallbacks were logged…
    expect(log).not.toContain('MARKER-QUESTION'); // …without the question
    expect(log).not.toContain('MARKER-OUTPUT'); // …or what the model said
  });
});
