import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnswerPipeline, PipelineResult } from '../../src/answer/pipeline.js';
import { type FakeOpenAIServer, startFakeOpenAI, userMessage } from '../support/fake-openai-server.js';
import type { TestApp } from '../support/test-app.js';
import { expectQuotesInKnowledge, primaryPassage, type LlmTestApp, startLlmTestApp } from './helpers.js';

const QUESTION = 'Bolehkah PNS like postingan caleg di Instagram?';
const LLM_TEXT = 'Tidak boleh. Memberi like pada unggahan akun pemenangan calon dilarang bagi PNS.';

let fake: FakeOpenAIServer;
let t: TestApp;
let offline: AnswerPipeline;
let offlineAnswer: PipelineResult;

let env: LlmTestApp | undefined;

beforeAll(async () => {
  env = await startLlmTestApp();
  ({ fake, t, offline } = env);
  offlineAnswer = await offline.ask(QUESTION);
});

afterAll(() => env?.close());

beforeEach(() => {
  fake.reset();
});

function expectOffline(r: PipelineResult) {
  expect(r.composer).toBe('offline');
  expect(r.fellBack).toBe(true);
  expect(r.answer).toEqual(offlineAnswer.answer);
  expect(r.answer.verdict).toBe('dilarang');
  expect(r.answer.citations.length).toBeGreaterThan(0);
  expectQuotesInKnowledge(r);
}


describe('LLM failures fall back to the offline answer', () => {
  it('HTTP 500: the client retries once, then answers offline', async () => {
    fake.respond(() => ({ kind: 'httpError', status: 500, message: 'The server had an error while processing your request.' }));
    const r = await t.app.pipeline.ask(QUESTION);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests.every((q) => q.url === '/v1/chat/completions' && q.auth === 'Bearer sk-test')).toBe(true);
    expectOffline(r);
  });

  it('HTTP 500 once, then a valid answer: the retry succeeds and the LLM answer is used', async () => {
    fake.respond((body, _req, i) => {
      if (i === 0) return { kind: 'httpError', status: 500 };
      const used = primaryPassage(body);
      return { kind: 'toolCall', args: { verdict: 'dilarang', answer: LLM_TEXT, citations: [{ passage: used.id, quote: used.quote }], escalate: false } };
    });
    const r = await t.app.pipeline.ask(QUESTION);
    expect(fake.requests).toHaveLength(2);
    expect(r.composer).toBe('llm');
    expect(r.fellBack).toBe(false);
    expect(r.answer.answer).toBe(LLM_TEXT);
  });

  it('HTTP 401: not retried, answers offline', async () => {
    fake.respond(() => ({ kind: 'httpError', status: 401, message: 'Incorrect API key provided' }));
    const r = await t.app.pipeline.ask(QUESTION);
    expect(fake.requests).toHaveLength(1);
    expectOffline(r);
  });

  it(
    'a hanging server: the offline answer still arrives (bounded by the test timeout, not a stopwatch)',
    async () => {
      fake.respond(() => ({ kind: 'hang' }));
      const r = await t.app.pipeline.ask(QUESTION);
      // One attempt and at most one retry, each cut off by the client timeout.
      expect(fake.requests.length).toBeGreaterThanOrEqual(1);
      expect(fake.requests.length).toBeLessThanOrEqual(2);
      expectOffline(r);
      expect(t.app.llm?.health().lastFailure?.kind).toBe('timeout');
    },
    15_000,
  );

  it(
    'an answer slower than the timeout is not waited for',
    async () => {
      fake.respond((body) => {
        const used = primaryPassage(body);
        return { kind: 'toolCall', delayMs: 60_000, args: { verdict: 'dilarang', answer: LLM_TEXT, citations: [{ passage: used.id, quote: used.quote }], escalate: false } };
      });
      const r = await t.app.pipeline.ask(QUESTION);
      expectOffline(r);
    },
    15_000,
  );

  it('an answer that arrives after a short delay (within the timeout) is used', async () => {
    fake.respond((body) => {
      const used = primaryPassage(body);
      return { kind: 'toolCall', delayMs: 300, args: { verdict: 'dilarang', answer: LLM_TEXT, citations: [{ passage: used.id, quote: used.quote }], escalate: false } };
    });
    const r = await t.app.pipeline.ask(QUESTION);
    expect(fake.requests).toHaveLength(1);
    expect(r.composer).toBe('llm');
    expect(r.fellBack).toBe(false);
    expect(r.answer.answer).toBe(LLM_TEXT);
  });

  it(
    'a hanging request does not hold up another question answered at the same time',
    async () => {
      const HANGING = 'Bolehkah PNS pasang baliho caleg di rumahnya?';
      fake.respond((body) => {
        if (userMessage(body).includes(HANGING)) return { kind: 'hang' };
        const used = primaryPassage(body);
        return { kind: 'toolCall', args: { verdict: 'dilarang', answer: LLM_TEXT, citations: [{ passage: used.id, quote: used.quote }], escalate: false } };
      });
      let slowDone = false;
      const slow = t.app.pipeline.ask(HANGING).finally(() => {
        slowDone = true;
      });
      const fast = await t.app.pipeline.ask(QUESTION);
      expect(fast.composer).toBe('llm');
      expect(fast.answer.answer).toBe(LLM_TEXT);
      // The other question was answered while the hanging one was still waiting for its endpoint.
      expect(slowDone).toBe(false);
      const s = await slow;
      expect(s.composer).toBe('offline');
      expect(s.fellBack).toBe(true);
      expect(s.answer.verdict).toBe('dilarang');
    },
    15_000,
  );
});

describe('fake OpenAI server', () => {
  it('answers 404 elsewhere, serves /chat/completions too, and close() does not wait for a hanging request', async () => {
    const own = await startFakeOpenAI(() => ({ kind: 'hang' }));
    const root = own.baseURL.replace(/\/v1$/, '');
    const notFound = await fetch(`${root}/v1/embeddings`, { method: 'POST', body: '{}' });
    expect(notFound.status).toBe(404);
    const hanging = fetch(`${root}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [] }) }).then(
      () => 'answered',
      () => 'aborted',
    );
    await expect.poll(() => own.requests.length).toBe(1);
    expect(own.requests[0]!.url).toBe('/chat/completions');
    await own.close(); // a close() that waited for the hanging request would run into the test timeout
    expect(await hanging).toBe('aborted');
  }, 5000);
});
