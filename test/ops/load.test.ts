import { describe, expect, it } from 'vitest';
import { AnswerSchema } from '../../src/answer/answer-contract.js';
import { BENCH_QUESTIONS } from '../../scripts/bench.js';
import { mapConcurrent, questionCount, useTestApi } from './helpers.js';

const TOTAL = 1000;
const CONCURRENCY = 64;
// A bound so a stuck request fails the test instead of hanging it; not a speed target (that is `npm run bench`).
const BUDGET_MS = 120_000;

describe('load: 1,000 questions through POST /v1/ask at concurrency 64', () => {
  const ctx = useTestApi();

  it('the question set is varied and labelled', () => {
    expect(BENCH_QUESTIONS.length).toBeGreaterThanOrEqual(55);
    const kinds = new Set(BENCH_QUESTIONS.map((q) => q.kind));
    for (const k of ['conduct', 'sanction', 'news', 'report', 'english', 'off_topic']) expect(kinds).toContain(k);
    expect(new Set(BENCH_QUESTIONS.map((q) => q.question)).size).toBe(BENCH_QUESTIONS.length);
  });

  it(
    'no errors, every answer a valid contract, every on-topic answer cited (speed is measured by npm run bench)',
    async () => {
      const before = questionCount(ctx.t.app);
      const problems: string[] = [];
      const latencies: number[] = [];
      const started = performance.now();
      const verdicts = await mapConcurrent(
        Array.from({ length: TOTAL }, (_, i) => BENCH_QUESTIONS[i % BENCH_QUESTIONS.length]!),
        CONCURRENCY,
        async (q, i) => {
          const t0 = performance.now();
          let res: Response;
          try {
            res = await fetch(`${ctx.api.url}/v1/ask`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              // One conversation per distinct question: memory is exercised under concurrency, yet what
              // a conversation has seen does not depend on arrival order.
              body: JSON.stringify({ question: q.question, conversationId: `load-${i % BENCH_QUESTIONS.length}` }),
              signal: AbortSignal.timeout(BUDGET_MS),
            });
          } catch (err) {
            problems.push(`#${i} ${q.question}: ${(err as Error).message}`);
            return undefined;
          }
          const body: unknown = await res.json().catch(() => undefined);
          latencies.push(performance.now() - t0);
          if (res.status !== 200) {
            problems.push(`#${i} ${q.question}: HTTP ${res.status} ${JSON.stringify(body)}`);
            return undefined;
          }
          const parsed = AnswerSchema.safeParse(body);
          if (!parsed.success) {
            problems.push(`#${i} ${q.question}: not an answer contract`);
            return undefined;
          }
          const a = parsed.data;
          if (q.onTopic && a.citations.length === 0) problems.push(`#${i} ${q.question}: on-topic answer without citations (${a.verdict})`);
          if (q.onTopic && a.verdict === 'di_luar_topik') problems.push(`#${i} ${q.question}: on-topic question turned away`);
          if (!q.onTopic && a.verdict !== 'di_luar_topik') problems.push(`#${i} ${q.question}: off-topic question answered as ${a.verdict}`);
          return a.verdict;
        },
      );
      const elapsed = performance.now() - started;

      expect(problems.slice(0, 20)).toEqual([]);
      expect(verdicts.filter(Boolean)).toHaveLength(TOTAL);
      // Every accepted question is logged exactly once, even under concurrency.
      expect(questionCount(ctx.t.app)).toBe(before + TOTAL);
      // The same questions get the same verdicts every time (no cross-talk between requests).
      const byQuestion = new Map<string, Set<string>>();
      verdicts.forEach((v, i) => {
        const q = BENCH_QUESTIONS[i % BENCH_QUESTIONS.length]!.question;
        byQuestion.set(q, (byQuestion.get(q) ?? new Set()).add(v!));
      });
      const unstable = [...byQuestion].filter(([, v]) => v.size > 1).map(([q, v]) => `${q}: ${[...v].join('/')}`);
      expect(unstable, unstable.join('\n')).toEqual([]);

      const metrics = await fetch(`${ctx.api.url}/metrics`).then((r) => r.text());
      const counted = [...metrics.matchAll(/^netra_questions_total\{channel="http",verdict="[a-z_]+"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
      expect(counted).toBe(TOTAL);

      latencies.sort((a, b) => a - b);
      const p95 = latencies[Math.ceil(0.95 * latencies.length) - 1]!;
      console.info(`load: ${TOTAL} questions, c=${CONCURRENCY}, ${(elapsed / 1000).toFixed(1)} s, ${((TOTAL / elapsed) * 1000).toFixed(0)} req/s, p95 ${p95.toFixed(0)} ms`);
      // The server is still healthy afterwards.
      expect((await fetch(`${ctx.api.url}/healthz`)).status).toBe(200);
    },
    BUDGET_MS + 30_000,
  );
});
