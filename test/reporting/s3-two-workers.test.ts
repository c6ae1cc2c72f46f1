import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingAttachment, IncomingMessage, OutgoingMessage } from '../../src/conversation/messages.js';
import { exportEvidenceFiles } from '../../src/reporting/evidence-export.js';
import { collectReports } from '../../src/reporting/report-export.js';
import { FakeS3 } from '../support/fake-s3.js';
import { freshSchema, HOW_TO_RUN_POSTGRES, TEST_DATABASE_URL } from '../support/postgres-test-db.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const PREFIX = 'bukti/';
const jpeg = (seed: string) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`dua-worker-${seed}`.repeat(8))]);
const photo = (bytes: Buffer): IncomingAttachment => ({ kind: 'photo', mimeType: 'image/jpeg', size: bytes.length, load: async () => bytes });
const textOf = (out: OutgoingMessage[]) => out.map((o) => (o.kind === 'answer' ? o.answer.answer : (o.text ?? ''))).join('\n');

/**
 * Two workers — two app instances, each with its own data directory (nothing shared on disk) —
 * on one PostgreSQL schema and one S3 bucket: a report begun on one is finished on the other, with
 * its photo, and each sees, exports and removes the other's evidence.
 */
describe.skipIf(!TEST_DATABASE_URL)(`two workers share one evidence bucket${TEST_DATABASE_URL ? '' : ` — not run: ${HOW_TO_RUN_POSTGRES}`}`, () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let fake: FakeS3;
  const dirs: string[] = [];
  let env: Record<string, string>;
  let a: TestApp;
  let b: TestApp;
  const worker = async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-s3-worker-'));
    dirs.push(dir);
    return createTestApp({ ...env, NETRA_DATA_DIR: dir });
  };

  beforeAll(async () => {
    schema = await freshSchema(TEST_DATABASE_URL!);
    fake = await new FakeS3().start();
    const u = new URL(TEST_DATABASE_URL!);
    u.searchParams.set('options', `-c search_path=${schema.schema}`);
    env = {
      DATABASE_URL: u.toString(),
      NETRA_ID_SECRET: 'shared-id-secret-of-all-workers-0123',
      REPORTS_ENCRYPTION_KEY: 'shared-encryption-key-of-all-workers',
      ...fake.env({ EVIDENCE_S3_PREFIX: PREFIX }),
    };
    a = await worker();
    b = await worker();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await fake?.close();
    await schema?.drop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  const send = async (w: TestApp, chatId: string, text: string, extra: Partial<IncomingMessage> = {}) =>
    textOf(await w.conversation.handle({ channel: 'telegram', chatId, userId: chatId, isPrivate: true, text, ...extra }));

  /** Up to the evidence step, every other message on the other worker. */
  async function toEvidence(chatId: string): Promise<void> {
    const steps = ['/lapor', '1', '1', 'Budi Santoso', 'lewati', 'lewati', 'lewati', 'kemarin', '1', 'Kantor Kecamatan', 'Terlapor mengajak warga memilih calon saat apel pagi.'];
    for (const [i, text] of steps.entries()) await send(i % 2 === 0 ? a : b, chatId, text);
    expect(await send(b, chatId, 'selesai')).toMatch(/Langkah 7 dari 9/);
  }

  it('a photo stored by worker A is in the report worker B files, and B exports it byte for byte', async () => {
    const chat = '5151';
    await toEvidence(chat);
    const bytes = jpeg('a');
    expect(await send(a, chat, '', { attachments: [photo(bytes)] })).toMatch(/Bukti diterima: 1 berkas/);
    expect(await send(b, chat, 'selesai')).toMatch(/Langkah 8 dari 9/);
    expect(await send(a, chat, 'Siti Aminah, Jl. Melati 5')).toMatch(/Langkah 9 dari 9/);
    expect(await send(b, chat, '1')).toMatch(/Konfirmasi/);
    const ticket = /NTR-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(await send(b, chat, '1'))?.[0];
    expect(ticket).toBeDefined();

    const reports = (await collectReports(b.app.stores.reports)).filter((r) => r.ticket === ticket);
    expect(reports[0]?.evidence).toHaveLength(1);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-s3-export-'));
    dirs.push(out);
    const copied = await exportEvidenceFiles(reports, (name) => b.app.reporting.readEvidence(name), out);
    expect(copied.written).toHaveLength(1);
    expect(fs.readFileSync(path.join(out, copied.written[0]!)).equals(bytes)).toBe(true);
    // Neither worker wrote evidence to its own disk.
    for (const w of [a, b]) expect(fs.existsSync(path.join(w.dataDir, 'evidence')) ? fs.readdirSync(path.join(w.dataDir, 'evidence')) : []).toEqual([]);
  });

  it("a worker that restarts keeps the other's fresh upload and a draft's photo; B cancels what A stored", async () => {
    const chat = '5252';
    await toEvidence(chat);
    const earlier = new Set(fake.keys(PREFIX));
    expect(await send(a, chat, '', { attachments: [photo(jpeg('draft'))] })).toMatch(/Bukti diterima/);
    const inDraft = fake.keys(PREFIX).filter((k) => !earlier.has(k));
    expect(inDraft).toHaveLength(1);
    // B uploads a file whose draft it has not saved yet (it is between the two): young, so it stays.
    const uploading = `${PREFIX}3e8f3c2e-1d4a-4c6b-9f7e-2a1b3c4d5e6f.jpg`;
    fake.objects.set(uploading, { body: jpeg('uploading'), lastModified: new Date() });
    // The draft's photo is old enough for the sweep: it stays because the shared draft refers to it.
    for (const k of inDraft) fake.objects.get(k)!.lastModified = new Date(Date.now() - 2 * 3600_000);
    const before = fake.keys(PREFIX);

    await a.close();
    a = await worker(); // its start-up orphan sweep runs
    expect(fake.keys(PREFIX)).toEqual(before);

    expect(await send(b, chat, '/batal')).toMatch(/Batalkan laporan\?/);
    expect(await send(b, chat, '1')).toMatch(/Laporan dibatalkan/);
    for (const k of inDraft) expect(fake.objects.has(k)).toBe(false);
    expect(fake.objects.has(uploading)).toBe(true);
  });
});
