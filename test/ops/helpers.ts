import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { type Answer, AnswerSchema } from '../../src/answer/answer-contract.js';
import type { NetraApp } from '../../src/app.js';
import { type RunningHttpApi, startHttpApi } from '../../src/channels/http/http-api.js';
import { createTestApp, KNOWLEDGE_DIR, type TestApp } from '../support/test-app.js';

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
}

/**
 * One request with node:http, so the test controls the exact bytes, headers and chunking
 * (fetch would always add a correct content-length and reject some bodies).
 */
export function request(
  baseUrl: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean },
): Promise<HttpReply> {
  const url = new URL(options.path, baseUrl);
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (body && !options.chunked) headers['content-length'] = String(body.length);
    if (options.chunked) headers['transfer-encoding'] = 'chunked';
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'GET', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (body && options.chunked) {
      // Several chunks, so the server sees a streamed body without a declared length.
      for (let i = 0; i < body.length; i += 8192) req.write(body.subarray(i, i + 8192));
      req.end();
    } else req.end(body);
  });
}

export function postJson(baseUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpReply> {
  return request(baseUrl, {
    method: 'POST',
    path: '/v1/ask',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Parses a 200 reply as the answer contract (fails the test when it is not one). */
export function expectAnswer(reply: HttpReply): Answer {
  expect(reply.status, reply.text.slice(0, 300)).toBe(200);
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  const parsed = AnswerSchema.safeParse(reply.json);
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
  return parsed.data!;
}

/** Zod's English defaults ("Invalid input: expected …") must never reach users. */
const ENGLISH_ERROR = /invalid input|expected|received|required|unexpected token/i;

/** A 4xx reply must be JSON `{error}` with a non-empty Indonesian message. */
export function expectClientError(reply: HttpReply, status: number): string {
  expect(reply.status, reply.text.slice(0, 300)).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  const error = (reply.json as { error?: unknown } | undefined)?.error;
  expect(typeof error).toBe('string');
  expect((error as string).length).toBeGreaterThan(5);
  expect(error as string).not.toMatch(ENGLISH_ERROR);
  return error as string;
}

/**
 * Every citation's quote must be a verbatim substring of the knowledge file it names, read from
 * disk (not from the index), so a drift between index and files is caught too.
 */
export function expectCitationsVerbatim(app: NetraApp, answer: Answer, knowledgeDir = KNOWLEDGE_DIR): void {
  const docs = app.index.get().knowledge.documents;
  for (const c of answer.citations) {
    const doc = docs.find((d) => d.id === c.sourceId);
    expect(doc, `cited source ${c.sourceId} is not in the index`).toBeDefined();
    const file = path.join(knowledgeDir, doc!.file);
    const text = doc!.file.endsWith('.md') ? fs.readFileSync(file, 'utf8') : doc!.text;
    expect(text.includes(c.quote), `quote not found verbatim in ${doc!.file}: ${c.quote.slice(0, 80)}`).toBe(true);
  }
}

export function questionCount(app: NetraApp): number {
  return (app.db!.prepare('SELECT COUNT(*) AS n FROM questions').get() as { n: number }).n;
}

/** A private copy of the repository's knowledge/ for tests that change it. */
export function copyKnowledge(): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-knowledge-'));
  fs.cpSync(KNOWLEDGE_DIR, dir, { recursive: true });
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A new, valid regulation with a distinctive article, for hot re-index tests. */
export const NEW_REGULATION = {
  id: 'perban-uji-7-2099',
  file: 'regulations/perban-uji-7-2099-netralitas-siber.md',
  quote: 'Pegawai ASN dilarang menjadi pengelola akun anonim yang menyebarkan konten dukungan kepada peserta pemilihan.',
  text: `---
id: perban-uji-7-2099
title: "Peraturan Badan Uji Nomor 7 Tahun 2099 tentang Netralitas Siber Pegawai ASN"
short_name: "Perban Uji 7/2099"
type: Perban
year: 2099
status: berlaku
source_url: "https://example.invalid/perban-uji-7-2099"
grade: A
---

# Perban Uji 7/2099 tentang Netralitas Siber Pegawai ASN

## Pasal 3

(1) Pegawai ASN dilarang menjadi pengelola akun anonim yang menyebarkan konten dukungan kepada peserta pemilihan.

(2) Larangan sebagaimana dimaksud pada ayat (1) berlaku juga bagi pengelolaan akun pendengung (buzzer) di platform TikTok, X, dan Threads.
`,
};

/** Runs `fn` for every item with at most `concurrency` in flight; results in input order. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/**
 * A real Netra with its HTTP API on 127.0.0.1 for the tests of one `describe` block: started
 * before them, closed after. Read `t` and `api` inside tests, after `beforeAll` has run.
 */
export function useTestApi(env: Record<string, string> = {}, token?: string): { t: TestApp; api: RunningHttpApi } {
  const holder = {} as { t: TestApp; api: RunningHttpApi };
  beforeAll(async () => {
    holder.t = await createTestApp(env);
    holder.api = await startHttpApi({ app: holder.t.app, port: 0, host: '127.0.0.1', token });
  });
  afterAll(async () => {
    await holder.api?.close();
    await holder.t?.close();
  });
  return holder;
}
