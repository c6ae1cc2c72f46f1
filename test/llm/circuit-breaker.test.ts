import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/llm/circuit-breaker.js';
import { classifyLlmError } from '../../src/llm/llm-failure.js';

describe('CircuitBreaker (with a hand-moved clock)', () => {
  const make = (failureThreshold = 3, cooldownMs = 1000) => {
    const clock = { t: 0 };
    return { clock, breaker: new CircuitBreaker({ failureThreshold, cooldownMs, now: () => clock.t }) };
  };

  it('opens after N failures in a row, refuses calls during the cooldown, then lets exactly one trial through', () => {
    const { clock, breaker } = make();
    breaker.failure();
    breaker.success(); // a success in between resets the count
    for (let i = 0; i < 3; i++) {
      expect(breaker.tryAcquire()).toBe(true);
      breaker.failure();
    }
    expect(breaker.snapshot()).toMatchObject({ state: 'open', consecutiveFailures: 3, retryAt: new Date(1000).toISOString() });
    clock.t = 999;
    expect(breaker.tryAcquire()).toBe(false);
    clock.t = 1000;
    expect(breaker.tryAcquire()).toBe(true); // the trial
    expect(breaker.snapshot().state).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(false); // nobody else while it is out
    breaker.failure(); // the trial failed: open again for a full cooldown
    expect(breaker.snapshot()).toMatchObject({ state: 'open', retryAt: new Date(2000).toISOString() });
    clock.t = 2000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.success();
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0 });
  });

  it('a Retry-After opens it at once, for at least that long', () => {
    const { breaker } = make(3, 1000);
    breaker.failure(120_000);
    expect(breaker.snapshot()).toMatchObject({ state: 'open', retryAt: new Date(120_000).toISOString() });
  });
});

describe('classifyLlmError', () => {
  it('keeps the kind and status, never the message (which may quote the model output)', () => {
    const parse = Object.assign(new Error('Failed to parse. Text: "rahasia dari model"'), { name: 'OutputParserException' });
    expect(classifyLlmError(parse, false)).toMatchObject({ kind: 'invalid_output', message: 'LLM invalid_output' });
    const headers = new Headers({ 'retry-after': '30' });
    expect(classifyLlmError(Object.assign(new Error('429'), { status: 429, headers }), false)).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 30_000 });
    expect(classifyLlmError(Object.assign(new Error('x'), { status: 503 }), false)).toMatchObject({ kind: 'http_error', status: 503 });
    expect(classifyLlmError(Object.assign(new Error('x'), { name: 'APIConnectionError' }), false).kind).toBe('connection');
    expect(classifyLlmError(new Error('anything'), true).kind).toBe('timeout');
  });
});
