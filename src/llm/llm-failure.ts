/**
 * Why an LLM answer was not used. Only this kind (and an HTTP status) is ever logged or shown in
 * /healthz: never the model's output or the question, which the model may echo.
 */
export type LlmFailureKind =
  /** The per-question budget ran out (hanging or slow-dripping endpoint). */
  | 'timeout'
  /** The endpoint answered 429. */
  | 'rate_limited'
  /** Any other HTTP error status. */
  | 'http_error'
  /** Connection refused, reset, DNS. */
  | 'connection'
  /** The reply was not the structured answer asked for. */
  | 'invalid_output'
  /** The answer quoted text or named an article that is not in the corpus. */
  | 'unverified_text'
  /** The model's verdict was looser than the offline decision. */
  | 'looser_verdict'
  /** No citation survived verification. */
  | 'no_citation'
  /** The circuit breaker is open, or too many calls are already waiting. */
  | 'skipped';

/** Transport failures say the endpoint is unwell and count for the circuit breaker; content failures do not. */
export const TRANSPORT_FAILURES: ReadonlySet<LlmFailureKind> = new Set(['timeout', 'rate_limited', 'http_error', 'connection']);

/** An LLM answer that was not used; `message` is safe to log (kind and status only). */
export class LlmFailure extends Error {
  constructor(
    readonly kind: LlmFailureKind,
    readonly status?: number,
    /** From a 429's Retry-After header. */
    readonly retryAfterMs?: number,
  ) {
    super(`LLM ${kind}${status ? ` (HTTP ${status})` : ''}`);
    this.name = 'LlmFailure';
  }
}

/**
 * Maps whatever the OpenAI client threw to an {@link LlmFailure}, dropping its message: the
 * client's parse errors quote the model's raw output.
 */
export function classifyLlmError(err: unknown, budgetExpired: boolean): LlmFailure {
  if (err instanceof LlmFailure) return err;
  if (budgetExpired) return new LlmFailure('timeout');
  const e = err as { status?: unknown; name?: unknown; headers?: unknown; code?: unknown } | undefined;
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const name = typeof e?.name === 'string' ? e.name : '';
  if (status === 429) return new LlmFailure('rate_limited', 429, retryAfter(e?.headers));
  if (status !== undefined) return new LlmFailure('http_error', status);
  if (/Timeout|Abort/i.test(name)) return new LlmFailure('timeout');
  if (/Connection|Fetch|ECONN|ENOTFOUND/i.test(`${name} ${String(e?.code ?? '')}`)) return new LlmFailure('connection');
  return new LlmFailure('invalid_output');
}

function retryAfter(headers: unknown): number | undefined {
  const get = (k: string): string | null | undefined => {
    if (headers && typeof (headers as Headers).get === 'function') return (headers as Headers).get(k);
    if (headers && typeof headers === 'object') return (headers as Record<string, string | undefined>)[k];
    return undefined;
  };
  const raw = get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
