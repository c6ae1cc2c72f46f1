import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, type RunningHttpApi, startHttpApi } from '../../src/channels/http/http-api.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { expectAnswer, expectCitationsVerbatim, expectClientError, postJson, questionCount, request, useTestApi } from './helpers.js';

const LIKE_QUESTION = 'Bolehkah PNS like postingan caleg di Instagram?';

describe('HTTP API (POST /v1/ask, GET /healthz, GET /metrics)', () => {
  const ctx = useTestApi();

  it('listens on 127.0.0.1 only', () => {
    expect(ctx.api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers the like-a-caleg question with the contract: dilarang, verbatim citations, logged', async () => {
    const before = questionCount(ctx.t.app);
    const answer = expectAnswer(await postJson(ctx.api.url, { question: LIKE_QUESTION }));
    expect(answer.verdict).toBe('dilarang');
    expect(answer.question).toBe(LIKE_QUESTION);
    expect(answer.answer.length).toBeGreaterThan(40);
    expect(answer.citations.length).toBeGreaterThanOrEqual(1);
    expectCitationsVerbatim(ctx.t.app, answer);
    expect(questionCount(ctx.t.app)).toBe(before + 1);
    const row = ctx.t.app.db!.prepare('SELECT channel, question, verdict, cited_source_ids FROM questions ORDER BY id DESC LIMIT 1').get() as {
      channel: string;
      question: string;
      verdict: string;
      cited_source_ids: string;
    };
    expect(row).toMatchObject({ channel: 'http', question: LIKE_QUESTION, verdict: 'dilarang' });
    expect(JSON.parse(row.cited_source_ids)).toEqual([...new Set(answer.citations.map((c) => c.sourceId))]);
  });

  it('keeps a conversation: a follow-up with the same conversationId is answered in context', async () => {
    const first = expectAnswer(await postJson(ctx.api.url, { question: 'Bolehkah PNS ikut kampanye calon bupati?', conversationId: 'c-1' }));
    expect(first.verdict).toBe('dilarang');
    const follow = expectAnswer(await postJson(ctx.api.url, { question: 'kalau cuma datang tanpa atribut?', conversationId: 'c-1' }));
    expect(follow.verdict).not.toBe('di_luar_topik');
    expect(follow.citations.length).toBeGreaterThan(0);
  });

  it('400 with an Indonesian error for invalid JSON', async () => {
    const error = expectClientError(
      await request(ctx.api.url, { method: 'POST', path: '/v1/ask', headers: { 'content-type': 'application/json' }, body: '{"question": "Bolehkah' }),
      400,
    );
    expect(error).toMatch(/JSON/);
    expect(error).toMatch(/bukan|tidak/);
  });

  it('400 with an Indonesian error for a missing, non-text, empty or blank question', async () => {
    expect(expectClientError(await postJson(ctx.api.url, {}), 400)).toMatch(/question/);
    expect(expectClientError(await postJson(ctx.api.url, { pertanyaan: 'Bolehkah PNS ikut kampanye?' }), 400)).toMatch(/question/);
    expect(expectClientError(await postJson(ctx.api.url, { question: 42 }), 400)).toMatch(/teks/);
    expect(expectClientError(await postJson(ctx.api.url, { question: '' }), 400)).toMatch(/kosong/);
    expect(expectClientError(await postJson(ctx.api.url, { question: '   \n\t ' }), 400)).toMatch(/kosong/);
    expect(expectClientError(await postJson(ctx.api.url, { question: 'x'.repeat(4001) }), 400)).toMatch(/terlalu panjang/);
  });

  it('400 with an Indonesian error when the body is JSON but not an object, or conversationId is not text', async () => {
    for (const body of ['null', '[]', '"Bolehkah PNS ikut kampanye?"', '42']) {
      const reply = await request(ctx.api.url, { method: 'POST', path: '/v1/ask', headers: { 'content-type': 'application/json' }, body });
      expect(expectClientError(reply, 400)).toMatch(/objek JSON/);
    }
    expect(expectClientError(await postJson(ctx.api.url, { question: 'Bolehkah PNS ikut kampanye?', conversationId: 7 }), 400)).toMatch(
      /conversationId/,
    );
  });

  it('413 for a body over 64 KB, declared or streamed in chunks, and the server still answers', async () => {
    const big = JSON.stringify({ question: 'Bolehkah PNS ikut kampanye? '.repeat(Math.ceil((MAX_BODY_BYTES + 1024) / 28)) });
    expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_BODY_BYTES);
    const before = questionCount(ctx.t.app);
    const declared = await request(ctx.api.url, { method: 'POST', path: '/v1/ask', headers: { 'content-type': 'application/json' }, body: big });
    expect(expectClientError(declared, 413)).toMatch(/64 KB/);
    const streamed = await request(ctx.api.url, {
      method: 'POST',
      path: '/v1/ask',
      headers: { 'content-type': 'application/json' },
      body: big,
      chunked: true,
    });
    expect(expectClientError(streamed, 413)).toMatch(/64 KB/);
    expect(questionCount(ctx.t.app)).toBe(before);
    expectAnswer(await postJson(ctx.api.url, { question: LIKE_QUESTION }));
  });

  it('a body of exactly 64 KB is not rejected for its size', async () => {
    const prefix = '{"question":"Bolehkah PNS ikut kampanye?","pad":"';
    const body = prefix + 'x'.repeat(MAX_BODY_BYTES - prefix.length - 2) + '"}';
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
    const reply = await request(ctx.api.url, { method: 'POST', path: '/v1/ask', headers: { 'content-type': 'application/json' }, body });
    expect(expectAnswer(reply).verdict).toBe('dilarang');
  });

  it('415 without a JSON content type', async () => {
    const body = JSON.stringify({ question: LIKE_QUESTION });
    expect(expectClientError(await request(ctx.api.url, { method: 'POST', path: '/v1/ask', body }), 415)).toMatch(/Content-Type/);
    expect(
      expectClientError(await request(ctx.api.url, { method: 'POST', path: '/v1/ask', headers: { 'content-type': 'text/plain' }, body }), 415),
    ).toMatch(/application\/json/);
    expect(
      expectClientError(
        await request(ctx.api.url, { method: 'POST', path: '/v1/ask', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'question=x' }),
        415,
      ),
    ).toMatch(/JSON/);
  });

  it('405 for GET /v1/ask and 404 for unknown paths, in Indonesian', async () => {
    expect(expectClientError(await request(ctx.api.url, { path: '/v1/ask' }), 405)).toMatch(/POST/);
    expect(expectClientError(await request(ctx.api.url, { path: '/v2/tanya' }), 404)).toMatch(/tidak ditemukan/);
  });

  it('GET /healthz reports the loaded index', async () => {
    const reply = await request(ctx.api.url, { path: '/healthz' });
    expect(reply.status).toBe(200);
    const body = reply.json as { status: string; index: { loaded: boolean; buildId: string; builtAt: string; chunks: number }; llm: boolean };
    const current = ctx.t.app.index.get();
    expect(body.status).toBe('ok');
    expect(body.index).toEqual({
      loaded: true,
      buildId: current.manifest.buildId,
      builtAt: current.manifest.builtAt,
      chunks: current.chunks.length,
    });
    expect(body.index.chunks).toBeGreaterThan(100);
    expect(body.llm).toBe(false);
  });

  it('GET /metrics is Prometheus text with question counts and the latency histogram', async () => {
    expectAnswer(await postJson(ctx.api.url, { question: LIKE_QUESTION }));
    const reply = await request(ctx.api.url, { path: '/metrics' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.text).toMatch(/^# HELP netra_questions_total /m);
    expect(reply.text).toMatch(/^# TYPE netra_questions_total counter$/m);
    const dilarang = /^netra_questions_total\{channel="http",verdict="dilarang"\} (\d+)$/m.exec(reply.text);
    expect(dilarang, reply.text.slice(0, 500)).not.toBeNull();
    expect(Number(dilarang![1])).toBeGreaterThanOrEqual(2);
    expect(reply.text).toMatch(/^# TYPE netra_answer_latency_seconds histogram$/m);
    const count = /^netra_answer_latency_seconds_count\{composer="offline"\} (\d+)$/m.exec(reply.text);
    expect(count).not.toBeNull();
    expect(Number(count![1])).toBeGreaterThanOrEqual(2);
    expect(reply.text).toMatch(/^netra_answer_latency_seconds_bucket\{le="0\.05",composer="offline"\} \d+$/m);
    expect(reply.text).toMatch(/^netra_reports\{status="diterima"\} 0$/m);
  });
});

describe('HTTP API with HTTP_API_TOKEN set', () => {
  const TOKEN = 'rahasia-uji-0123456789';
  let t: TestApp;
  let api: RunningHttpApi;

  beforeAll(async () => {
    t = await createTestApp({ HTTP_PORT: '8787', HTTP_API_TOKEN: TOKEN });
    expect(t.app.config.http?.token).toBe(TOKEN);
    api = await startHttpApi({ app: t.app, port: 0, host: '127.0.0.1', token: t.app.config.http?.token });
  });
  afterAll(async () => {
    await api?.close();
    await t?.close();
  });

  it('401 with a wrong, missing or malformed bearer token, and nothing is logged', async () => {
    const before = questionCount(t.app);
    const attempts: Record<string, string>[] = [
      { authorization: 'Bearer salah' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}X` },
      { authorization: TOKEN },
      { authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}` },
      {},
    ];
    for (const headers of attempts) {
      expect(expectClientError(await postJson(api.url, { question: LIKE_QUESTION }, headers), 401)).toMatch(/Token/);
    }
    expect(expectClientError(await request(api.url, { path: '/metrics', headers: { authorization: 'Bearer salah' } }), 401)).toMatch(/Token/);
    expect(questionCount(t.app)).toBe(before);
  });

  it('answers with the right token; /healthz stays open for probes', async () => {
    const answer = expectAnswer(await postJson(api.url, { question: LIKE_QUESTION }, { authorization: `Bearer ${TOKEN}` }));
    expect(answer.verdict).toBe('dilarang');
    expect((await request(api.url, { path: '/healthz' })).status).toBe(200);
    const metrics = await request(api.url, { path: '/metrics', headers: { authorization: `bearer ${TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('netra_questions_total{channel="http",verdict="dilarang"} 1');
  });
});
