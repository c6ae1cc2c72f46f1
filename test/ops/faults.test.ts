import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningHttpApi, startHttpApi } from '../../src/channels/http/http-api.js';
import { KnowledgeValidationError } from '../../src/knowledge/knowledge-base.js';
import { IndexHolder } from '../../src/retrieval/index-holder.js';
import { buildIndex, readCurrentBuild, writeAtomically } from '../../src/retrieval/index-store.js';
import { createTestApp, KNOWLEDGE_DIR, type TestApp } from '../support/test-app.js';
import {
  copyKnowledge,
  expectAnswer,
  expectCitationsVerbatim,
  NEW_REGULATION,
  postJson,
  questionCount,
} from './helpers.js';

/** On-topic questions that are always answered with citations; fired during index switches. */
const STEADY_QUESTIONS = [
  'Bolehkah PNS like postingan caleg di Instagram?',
  'Apa sanksi PNS yang ikut kampanye?',
  'Bolehkah PNS menjadi anggota partai politik?',
  'Bagaimana cara melaporkan ASN yang tidak netral?',
  'Can a civil servant attend a campaign rally?',
  'Bolehkah ASN memakai mobil dinas untuk kampanye?',
];

/** Answered from the new regulation's passages once it is indexed (no case card covers it). */
const NEW_REG_QUESTION = 'Apa isi Perban Uji 7/2099 tentang netralitas siber?';
/** A conduct question whose best passages are in the new regulation. */
const NEW_REG_CONDUCT = 'Bolehkah ASN menjadi pengelola akun anonim yang menyebarkan konten dukungan kepada peserta pemilihan?';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function appOnCopy(): Promise<{ t: TestApp; knowledgeDir: string }> {
  const k = copyKnowledge();
  cleanups.push(k.cleanup);
  const t = await createTestApp({ NETRA_KNOWLEDGE_DIR: k.dir });
  cleanups.push(() => t.close());
  return { t, knowledgeDir: k.dir };
}

function addNewRegulation(knowledgeDir: string): void {
  fs.writeFileSync(path.join(knowledgeDir, NEW_REGULATION.file), NEW_REGULATION.text);
}

async function expectServingWithCitations(t: TestApp, knowledgeDir: string): Promise<void> {
  const r = await t.app.pipeline.ask('Bolehkah PNS like postingan caleg di Instagram?');
  expect(r.answer.verdict).toBe('dilarang');
  expect(r.answer.citations.length).toBeGreaterThan(0);
  expectCitationsVerbatim(t.app, r.answer, knowledgeDir);
}

/**
 * Asks questions back to back until `stop()` resolves; every answer must be on a known build and
 * carry citations. Returns how many were asked and which builds answered.
 */
async function fireDuring<T>(t: TestApp, during: () => Promise<T>, via?: RunningHttpApi): Promise<{ result: T; asked: number; failures: string[] }> {
  let done = false;
  let asked = 0;
  const failures: string[] = [];
  const worker = async (w: number) => {
    for (let i = w; !done; i++) {
      const question = STEADY_QUESTIONS[i % STEADY_QUESTIONS.length]!;
      try {
        const answer = via ? expectAnswer(await postJson(via.url, { question })) : (await t.app.pipeline.ask(question)).answer;
        if (answer.citations.length === 0) failures.push(`no citations: ${question} → ${answer.verdict}`);
        if (answer.verdict === 'di_luar_topik') failures.push(`off-topic: ${question}`);
      } catch (err) {
        failures.push(`${question}: ${(err as Error).message}`);
      }
      asked++;
      // Back to back, yielding one turn of the event loop so the re-index's file I/O progresses.
      // (A timer-paced loop starves fs callbacks far worse; two workers keep the test bounded.)
      await new Promise((r) => setImmediate(r));
      if (Date.now() > hardStop) done = true;
    }
  };
  // Never let a hung re-index leave workers spinning into the next tests.
  const hardStop = Date.now() + 45_000;
  const workers = [0, 1].map(worker);
  let result: T;
  try {
    result = await during();
    // A few more questions on the new index before stopping.
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    done = true;
    await Promise.all(workers);
  }
  return { result, asked, failures };
}

describe('fault: crash during re-index', () => {
  it('a build that fails before the switch leaves the old index serving (same buildId, cited answers, no debris)', async () => {
    const { t, knowledgeDir } = await appOnCopy();
    const config = t.app.config;
    const before = t.app.index.get().manifest.buildId;
    addNewRegulation(knowledgeDir);

    await expect(
      buildIndex({ knowledgeDir, indexRoot: config.indexDir, config, force: true, failBeforeSwitch: true }),
    ).rejects.toThrow(/simulated crash/);

    expect(await readCurrentBuild(config.indexDir)).toBe(before);
    const builds = fs.readdirSync(path.join(config.indexDir, 'builds'));
    expect(builds).toEqual([before]);
    await t.app.index.reloadIfChanged();
    expect(t.app.index.get().manifest.buildId).toBe(before);
    expect(t.app.index.get().knowledge.documents.some((d) => d.id === NEW_REGULATION.id)).toBe(false);
    await expectServingWithCitations(t, knowledgeDir);

    // And the next, successful, re-index still works from that state.
    const summary = await t.app.index.rebuild();
    expect(summary.noop).toBe(false);
    expect(summary.added).toContain(NEW_REGULATION.id);
    expect(t.app.index.get().manifest.buildId).toBe(summary.buildId);
  });
});

describe('fault: broken knowledge file', () => {
  it('buildIndex throws a KnowledgeValidationError naming the file and the field; the old index keeps serving', async () => {
    const { t, knowledgeDir } = await appOnCopy();
    const before = t.app.index.get().manifest.buildId;
    const file = path.join(knowledgeDir, 'regulations', 'uu-7-2017-pemilu.md');
    const raw = fs.readFileSync(file, 'utf8');
    // A year that is not a number and a status that does not exist.
    fs.writeFileSync(file, raw.replace(/^year: .*$/m, 'year: "dua ribu tujuh belas"').replace(/^status: .*$/m, 'status: kedaluwarsa'));

    let error: unknown;
    try {
      await buildIndex({ knowledgeDir, indexRoot: t.app.config.indexDir, config: t.app.config, force: true });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(KnowledgeValidationError);
    const message = (error as KnowledgeValidationError).message;
    expect(message).toContain(path.join('regulations', 'uu-7-2017-pemilu.md'));
    expect(message).toMatch(/year/);
    expect(message).toMatch(/status/);

    // Through the running app's holder and the admin command, too.
    await expect(t.app.index.rebuild()).rejects.toBeInstanceOf(KnowledgeValidationError);
    const reply = await t.app.conversation.handle({ channel: 'telegram', chatId: '1', userId: '1', isPrivate: true, isAdmin: true, text: '/reindex' });
    const text = reply.map((m) => (m.kind === 'text' ? m.text : '')).join('\n');
    expect(text).toMatch(/Re-index gagal; indeks lama tetap dipakai/);
    expect(text).toContain('uu-7-2017-pemilu.md');

    expect(await readCurrentBuild(t.app.config.indexDir)).toBe(before);
    expect(t.app.index.get().manifest.buildId).toBe(before);
    // The old index serves what it was built from: the repository's knowledge, not the broken copy.
    await expectServingWithCitations(t, KNOWLEDGE_DIR);
  });

  it('front matter that is not YAML at all is reported with the file name', async () => {
    const { t, knowledgeDir } = await appOnCopy();
    const before = t.app.index.get().manifest.buildId;
    fs.writeFileSync(path.join(knowledgeDir, 'regulations', 'pp-94-2021-disiplin-pns.md'), '---\nid: [tidak ditutup\ntitle: x\n---\nIsi.\n');
    fs.writeFileSync(path.join(knowledgeDir, 'regulations', 'tanpa-front-matter.md'), '# Hanya judul\n\nTanpa front matter.\n');
    const error = await buildIndex({ knowledgeDir, indexRoot: t.app.config.indexDir, config: t.app.config }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(KnowledgeValidationError);
    const problems = (error as KnowledgeValidationError).problems;
    expect(problems.some((p) => p.startsWith(path.join('regulations', 'pp-94-2021-disiplin-pns.md')) && /YAML/.test(p))).toBe(true);
    expect(problems.some((p) => p.startsWith(path.join('regulations', 'tanpa-front-matter.md')) && /front matter/.test(p))).toBe(true);
    expect(t.app.index.get().manifest.buildId).toBe(before);
    await expectServingWithCitations(t, KNOWLEDGE_DIR);
  });
});

describe('hot re-index', { timeout: 60_000 }, () => {
  it('rebuild() with a new regulation switches the running pipeline without a failed answer in between', async () => {
    const { t, knowledgeDir } = await appOnCopy();
    const before = t.app.index.get().manifest.buildId;
    const beforeAnswer = await t.app.pipeline.ask(NEW_REG_QUESTION);
    expect(beforeAnswer.answer.citations.map((c) => c.sourceId)).not.toContain(NEW_REGULATION.id);
    expect((await t.app.pipeline.ask(NEW_REG_CONDUCT)).retrievedIds.some((id) => id.startsWith(`${NEW_REGULATION.id}#`))).toBe(false);

    addNewRegulation(knowledgeDir);
    const { result: summary, asked, failures } = await fireDuring(t, () => t.app.index.rebuild());

    expect(failures).toEqual([]);
    expect(asked).toBeGreaterThan(10);
    expect(summary.noop).toBe(false);
    expect(summary.added).toEqual([NEW_REGULATION.id]);
    expect(summary.embedded).toBeGreaterThan(0);
    expect(summary.reusedEmbeddings).toBeGreaterThan(100);
    expect(t.app.index.get().manifest.buildId).toBe(summary.buildId);
    expect(summary.buildId).not.toBe(before);

    const after = await t.app.pipeline.ask(NEW_REG_QUESTION);
    expect(after.answer.verdict).toBe('informasi');
    expect(after.answer.citations.map((c) => c.sourceId)).toContain(NEW_REGULATION.id);
    expectCitationsVerbatim(t.app, after.answer, knowledgeDir);
    expect(after.answer.citations.map((c) => c.quote).join(' ')).toContain(NEW_REGULATION.quote);
    // Retrieval for a conduct question now ranks the new article first.
    expect((await t.app.pipeline.ask(NEW_REG_CONDUCT)).retrievedIds[0]).toMatch(new RegExp(`^${NEW_REGULATION.id}#Pasal 3`));

    // Nothing changed since: a second rebuild is a no-op and keeps the build.
    const again = await t.app.index.rebuild();
    expect(again.noop).toBe(true);
    expect(t.app.index.get().manifest.buildId).toBe(summary.buildId);
  });

  it('a re-index by another process is picked up by watch() while HTTP questions keep succeeding', async () => {
    const { t, knowledgeDir } = await appOnCopy();
    const api = await startHttpApi({ app: t.app, port: 0, host: '127.0.0.1' });
    cleanups.push(() => api.close());
    t.app.index.watch(25);
    const before = t.app.index.get().manifest.buildId;
    const countBefore = questionCount(t.app);

    addNewRegulation(knowledgeDir);
    const { result: newBuild, asked, failures } = await fireDuring(
      t,
      async () => {
        // `npm run reindex` in another process: builds and moves CURRENT; the bot is not told.
        const summary = await buildIndex({ knowledgeDir, indexRoot: t.app.config.indexDir, config: t.app.config });
        const deadline = Date.now() + 10_000;
        while (t.app.index.get().manifest.buildId !== summary.buildId && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 10));
        }
        return summary.buildId;
      },
      api,
    );

    expect(failures).toEqual([]);
    expect(asked).toBeGreaterThan(10);
    expect(newBuild).not.toBe(before);
    expect(t.app.index.get().manifest.buildId).toBe(newBuild);
    expect(questionCount(t.app)).toBe(countBefore + asked);
    const health = (await fetch(`${api.url}/healthz`).then((r) => r.json())) as { index: { buildId: string } };
    expect(health.index.buildId).toBe(newBuild);
    const after = expectAnswer(await postJson(api.url, { question: NEW_REG_QUESTION }));
    expect(after.citations.map((c) => c.sourceId)).toContain(NEW_REGULATION.id);
  });

  it('two concurrent rebuilds both succeed and the bot ends on the current build', async () => {
    const { t, knowledgeDir } = await appOnCopy();
    addNewRegulation(knowledgeDir);
    const results = await Promise.allSettled([t.app.index.rebuild(), t.app.index.rebuild()]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok']);
    const current = await readCurrentBuild(t.app.config.indexDir);
    expect(t.app.index.get().manifest.buildId).toBe(current);
    expect(t.app.index.get().knowledge.documents.some((d) => d.id === NEW_REGULATION.id)).toBe(true);
  });

  it('a pointer change during an in-flight reload is not lost', async () => {
    const { t, knowledgeDir } = await appOnCopy();
    const config = t.app.config;
    // A separate holder, so the app's own holder does not interfere; starts on build A.
    const holder = new IndexHolder(t.app.index.get(), config);
    const a = holder.get().manifest.buildId;
    addNewRegulation(knowledgeDir);
    const b = (await buildIndex({ knowledgeDir, indexRoot: config.indexDir, config, force: true })).buildId;
    const c = (await buildIndex({ knowledgeDir, indexRoot: config.indexDir, config, force: true })).buildId;
    expect(new Set([a, b, c]).size).toBe(3);
    const pointer = path.join(config.indexDir, 'CURRENT');
    await writeAtomically(pointer, JSON.stringify({ buildId: b }));

    const first = holder.reloadIfChanged(); // reads B, starts loading it
    await new Promise((r) => setTimeout(r, 5));
    await writeAtomically(pointer, JSON.stringify({ buildId: c })); // C becomes current meanwhile
    await holder.reloadIfChanged(); // must end on C, not return with the in-flight load of B
    await first;
    expect(holder.get().manifest.buildId).toBe(c);
    holder.close();
  });
});

// SQLite lock, read-only and full-disk faults: test/ops/storage-faults.test.ts.
