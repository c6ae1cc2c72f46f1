import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Verdict } from '../answer/answer-contract.js';

/**
 * Prometheus metrics for `GET /metrics`: questions by channel and verdict, answer latency,
 * LLM fallbacks, and reports by status (read from the database at scrape time).
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly questions = new Counter({
    name: 'netra_questions_total',
    help: 'Questions answered, by channel and verdict.',
    labelNames: ['channel', 'verdict'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'netra_answer_latency_seconds',
    help: 'Time to compose one answer.',
    labelNames: ['composer'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly fallbacks = new Counter({
    name: 'netra_llm_fallbacks_total',
    help: 'Answers where the configured LLM failed or was overruled and the offline composer answered.',
    registers: [this.registry],
  });

  constructor(reportCounts?: () => Record<string, number> | Promise<Record<string, number>>) {
    if (reportCounts) {
      new Gauge({
        name: 'netra_reports',
        help: 'Stored reports by status.',
        labelNames: ['status'] as const,
        registers: [this.registry],
        async collect() {
          for (const [status, n] of Object.entries(await reportCounts())) this.set({ status }, n);
        },
      });
    }
  }

  recordAnswer(channel: string, verdict: Verdict, latencyMs: number, composer: string, fellBack: boolean): void {
    this.questions.inc({ channel, verdict });
    this.latency.observe({ composer }, latencyMs / 1000);
    if (fellBack) this.fallbacks.inc();
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
