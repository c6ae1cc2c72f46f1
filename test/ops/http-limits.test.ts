import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_QUESTION_CHARS } from '../../src/answer/pipeline.js';
import { isJsonContentType, startHttpApi, type RunningHttpApi } from '../../src/channels/http/http-api.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { expectAnswer, expectClientError, postJson, questionCount, request } from './helpers.js';

/**
 * Abuse and limits of the HTTP API, each against a real Netra on 127.0.0.1. No timing is
 * asserted: a closed socket or a status code is the evidence, and waits are bounded by the
 * test timeout.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ CONVERSATION_MEMORY_MAX: '10' });
});
afterAll(async () => {
  await t?.close();
});

async function withApi<T>(options: Omit<Parameters<typeof startHttpApi>[0], 'app' | 'port' | 'host'>, fn: (api: RunningHttpApi) => Promise<T>): Promise<T> {
  const api = await startHttpApi({ app: t.app, port: 0, host: '127.0.0.1', ...options });
  try {
    return await fn(api);
  } finally {
    await api.close();
  }
}

/** Resolves when the server closes the socket (or it errors), with how it ended. */
function closed(socket: net.Socket): Promise<'closed'> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve('closed');
    socket.once('close', () => resolve('closed'));
    socket.once('error', () => undefined);
  });
}

function connect(url: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('HTTP API: one question path and one length limit', () => {
  it('asks through the conversation: the same memory, question log and metrics as the chat channels', async () => {
    await withApi({}, async (api) => {
      const before = questionCount(t.app);
      const ask = vi.spyOn(t.app.conversation.asker, 'ask');
      expectAnswer(await postJson(api.url, { question: 'Bolehkah PNS ikut kampanye calon bupati?', conversationId: 'same-path' }));
      expect(ask).toHaveBeenCalledTimes(1);
      ask.mockRestore();
      expect(questionCount(t.app)).toBe(before + 1);
      expect(t.app.conversation.asker.memory.recent('http:same-path:api')).toHaveLength(1);
      const metrics = await request(api.url, { path: '/metrics' });
      expect(metrics.text).toMatch(/^netra_questions_total\{channel="http",verdict="dilarang"\} \d+$/m);
    });
  });

  it(`refuses a question over the pipeline's ${MAX_QUESTION_CHARS} characters with a clear 400, never cutting it`, async () => {
    await withApi({}, async (api) => {
      const before = questionCount(t.app);
      const atLimit = `Bolehkah PNS ikut kampanye? ${'x'.repeat(MAX_QUESTION_CHARS - 28)}`;
      expect(atLimit).toHaveLength(MAX_QUESTION_CHARS);
      expectAnswer(await postJson(api.url, { question: atLimit }));
      const error = expectClientError(await postJson(api.url, { question: `${atLimit}x` }), 400);
      expect(error).toBe('Permintaan tidak valid: pertanyaan terlalu panjang (maksimal 2.000 karakter)');
      expect(questionCount(t.app)).toBe(before + 1);
    });
  });

  it('takes only application/json (optionally charset=utf-8)', async () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('Application/JSON; charset=UTF-8')).toBe(true);
    for (const bad of ['application/jsonx', 'application/json-patch+json', 'text/plain; application/json', 'application/json; charset=latin1', 'text/json']) {
      expect(isJsonContentType(bad), bad).toBe(false);
    }
    await withApi({}, async (api) => {
      const body = JSON.stringify({ question: 'Bolehkah PNS ikut kampanye?' });
      for (const type of ['application/jsonx', 'text/plain; application/json']) {
        expect(expectClientError(await request(api.url, { method: 'POST', path: '/v1/ask', headers: { 'content-type': type }, body }), 415)).toMatch(/Content-Type/);
      }
    });
  });
});

describe('HTTP API: limits per client', () => {
  it('limits requests per address with a 429 in Indonesian and Retry-After; /healthz is not limited', async () => {
    await withApi({ limits: { perIpPerMinute: 3 } }, async (api) => {
      for (let i = 0; i < 3; i++) expectAnswer(await postJson(api.url, { question: 'Bolehkah PNS like postingan caleg?' }));
      const limited = await postJson(api.url, { question: 'Bolehkah PNS like postingan caleg?' });
      expect(expectClientError(limited, 429)).toMatch(/Terlalu banyak permintaan/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await request(api.url, { path: '/metrics' })).status).toBe(429);
      expect((await request(api.url, { path: '/healthz' })).status).toBe(200);
    });
  });

  it('limits requests per token, whichever address they come from', async () => {
    const token = 'token-uji-batas-yang-cukup-panjang';
    await withApi({ token, limits: { perIpPerMinute: 100, perTokenPerMinute: 2 } }, async (api) => {
      const auth = { authorization: `Bearer ${token}` };
      expectAnswer(await postJson(api.url, { question: 'Bolehkah PNS ikut kampanye?' }, auth));
      expectAnswer(await postJson(api.url, { question: 'Bolehkah PNS ikut kampanye?' }, auth));
      expectClientError(await postJson(api.url, { question: 'Bolehkah PNS ikut kampanye?' }, auth), 429);
      // A wrong token is refused as unauthorised, not counted against the real one.
      expectClientError(await postJson(api.url, { question: 'x' }, { authorization: 'Bearer salah' }), 401);
    });
  });

  it('caps the conversations held in memory: the least recently used are forgotten', async () => {
    await withApi({}, async (api) => {
      const memory = t.app.conversation.asker.memory;
      for (let i = 0; i < 15; i++) expectAnswer(await postJson(api.url, { question: 'Bolehkah PNS ikut kampanye?', conversationId: `lru-${i}` }));
      expect(memory.size).toBeLessThanOrEqual(10);
      expect(memory.recent('http:lru-0:api')).toEqual([]);
      expect(memory.recent('http:lru-14:api')).toHaveLength(1);
    });
  });
});

describe('HTTP API: connections and slow clients', () => {
  it('closes connections over the per-address cap, and the API keeps answering once they go', async () => {
    await withApi({ limits: { maxConnectionsPerIp: 4 } }, async (api) => {
      const held = await Promise.all(Array.from({ length: 4 }, () => connect(api.url)));
      const extra = await connect(api.url);
      expect(await closed(extra)).toBe('closed');
      for (const s of held) s.destroy();
      await Promise.all(held.map((s) => (s.destroyed ? Promise.resolve() : closed(s))));
      await vi.waitFor(async () => expect((await request(api.url, { path: '/healthz' })).status).toBe(200), { timeout: 10_000 });
    });
  });

  it('ends a client that sends nothing, and one that sends its headers too slowly (slowloris)', async () => {
    await withApi({ timeouts: { headersMs: 500 } }, async (api) => {
      // Listen for the close at once: on a loaded machine the silent one may be closed (500 ms)
      // before the second connection is made, and a 'close' already emitted is never seen again.
      const silent = await connect(api.url);
      const silentClosed = closed(silent);
      const slow = await connect(api.url);
      const slowClosed = closed(slow);
      let answer = '';
      slow.on('data', (d: Buffer) => (answer += d.toString('utf8')));
      slow.write('POST /v1/ask HTTP/1.1\r\nHost: x\r\n');
      expect(await silentClosed).toBe('closed');
      expect(await slowClosed).toBe('closed');
      // Closed is what protects the server; the 408 is a courtesy that may not reach a client whose
      // close races it (both seen on a loaded machine).
      expect(answer === '' || /^HTTP\/1\.1 408/.test(answer), answer).toBe(true);
      expect((await request(api.url, { path: '/healthz' })).status).toBe(200);
    });
  });

  it('answers /healthz while the line for answers is full, and refuses the overflow with 503', async () => {
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const ask = t.app.pipeline.ask.bind(t.app.pipeline);
    const spy = vi.spyOn(t.app.pipeline, 'ask').mockImplementation(async (...args) => {
      await stuck;
      return ask(...args);
    });
    try {
      await withApi({ maxConcurrentAnswers: 1, maxQueuedAnswers: 1 }, async (api) => {
        const first = postJson(api.url, { question: 'Bolehkah PNS ikut kampanye?' });
        const second = postJson(api.url, { question: 'Bolehkah PNS ikut kampanye?' });
        await vi.waitFor(() => expect(spy).toHaveBeenCalledTimes(1));
        const third = await postJson(api.url, { question: 'Bolehkah PNS ikut kampanye?' });
        expect(expectClientError(third, 503)).toMatch(/sibuk/);
        const health = await request(api.url, { path: '/healthz' });
        expect(health.status).toBe(200);
        release();
        expectAnswer(await first);
        expectAnswer(await second);
      });
    } finally {
      release();
      spy.mockRestore();
    }
  });

  it('reports the state of each configured channel in /healthz', async () => {
    await withApi({}, async (api) => {
      t.app.channels.set('telegram', 'retrying', 'Bot Telegram gagal dimulai: koneksi ditolak');
      t.app.channels.set('http', 'running');
      const body = (await request(api.url, { path: '/healthz' })).json as {
        status: string;
        channels: Record<string, { state: string; detail?: string }>;
      };
      expect(body.status).toBe('degraded');
      expect(body.channels.telegram).toMatchObject({ state: 'retrying', detail: expect.stringMatching(/gagal dimulai/) });
      expect(body.channels.http).toMatchObject({ state: 'running' });
      t.app.channels.set('telegram', 'running');
      expect(((await request(api.url, { path: '/healthz' })).json as { status: string }).status).toBe('ok');
    });
  });
});
