import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STORAGE_FAILURE_TEXT } from '../../src/conversation/report-dialog.js';
import { evidenceBlobsFromConfig } from '../../src/reporting/evidence-blobs-from-config.js';
import { exportEvidenceFiles } from '../../src/reporting/evidence-export.js';
import { collectReports } from '../../src/reporting/report-export.js';
import { loadConfig } from '../../src/config/config.js';
import { createStorageProbe, withEvidenceProbe } from '../../src/storage/storage-health.js';
import { FakeS3 } from '../support/fake-s3.js';
import { user } from '../support/fake-telegram-api.js';
import { createTestApp, REPO_ROOT, type TestApp } from '../support/test-app.js';
import { captureLogger, startHarness, textOf, type Harness, type LogLine } from '../telegram/harness.js';

const REPORTER = user(9119, 'Ayu');
const PREFIX = 'netra/bukti/';
const SECRET = 'fake-s3-secret-key-0123456789abcdefghij';
const jpeg = (seed: string) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`foto-bukti-${seed}`.repeat(8))]);
const ago = (ms: number) => new Date(Date.now() - ms);

/**
 * Reports whose photos go to an S3-compatible bucket (a fake on 127.0.0.1 that checks every
 * signature with the aws4 package), told through the real Telegram adapter against the fake Bot
 * API, as a reporter would.
 */
describe('evidence in an S3-compatible bucket (EVIDENCE_STORE=s3), through Telegram', () => {
  let fake: FakeS3;
  let dataDir: string;
  let app: TestApp;
  let harness: Harness;
  let lines: LogLine[];

  const start = async () => {
    const captured = captureLogger();
    lines = captured.lines;
    // One reporter files four reports here: more messages a minute than RATE_LIMIT_PER_MINUTE's default.
    app = await createTestApp(
      { NETRA_DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '1000', ...fake.env({ EVIDENCE_S3_PREFIX: PREFIX, EVIDENCE_S3_SSE: 'AES256' }) },
      { logger: captured.logger },
    );
    harness = await startHarness({ conversation: app.conversation, notifiers: app.notifiers });
  };
  const stop = async () => {
    await harness?.close();
    await app?.close();
  };

  beforeAll(async () => {
    fake = await new FakeS3({ secretAccessKey: SECRET }).start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-s3-'));
    await start();
  });
  afterAll(async () => {
    await stop();
    await fake.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Waits for the bot's replies to the reporter after `action`; returns their texts. */
  async function turn(action: () => void, expected = 1): Promise<string> {
    const since = harness.fake.calls.length;
    action();
    const sent = () => harness.fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === REPORTER.id);
    await vi.waitFor(
      () => {
        if (sent().length < expected) throw new Error('waiting');
      },
      { timeout: 10_000, interval: 20 },
    );
    return sent().map(textOf).join('\n');
  }
  const say = (text: string, expected = 1) => turn(() => void harness.fake.userSays(text, { from: REPORTER }), expected);
  const sendPhoto = (bytes: Buffer) => turn(() => void harness.fake.userSendsPhoto(bytes, { from: REPORTER, caption: 'Foto spanduk di kantor' }));

  async function reachEvidenceStep(): Promise<void> {
    expect(await say('/lapor', 2)).toMatch(/Langkah 1 dari 9/);
    for (const [text, next] of [
      ['1', /Langkah 2 dari 9/],
      ['1', /Terlapor — nama/],
      ['Budi Santoso', /Terlapor — jabatan/],
      ['lewati', /Terlapor — instansi/],
      ['lewati', /Terlapor — NIP\/NIK/],
      ['lewati', /Langkah 4 dari 9/],
      ['kemarin', /Kapan Anda mengetahuinya/],
      ['1', /Langkah 5 dari 9/],
      ['Kantor Dinas Pendidikan Kabupaten Contoh', /Langkah 6 dari 9/],
      ['Terlapor memasang spanduk calon di halaman kantor dan meminta staf memilihnya.', /Bagian 1 diterima/],
      ['selesai', /Langkah 7 dari 9/],
    ] as const) {
      expect(await say(text)).toMatch(next);
    }
  }

  async function finishReport(): Promise<string> {
    expect(await say('selesai')).toMatch(/Langkah 8 dari 9/);
    expect(await say('Siti Aminah, Jl. Melati 5, Kota Contoh')).toMatch(/Langkah 9 dari 9/);
    expect(await say('1')).toMatch(/Konfirmasi/);
    const done = await say('1', 3);
    const ticket = /NTR-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(done)?.[0];
    if (!ticket) throw new Error(`no ticket in: ${done}`);
    return ticket;
  }

  it('a photo goes to the bucket (encrypted at rest on request), never to the data directory, and the export reads it back', async () => {
    await reachEvidenceStep();
    const photo = jpeg('spanduk');
    expect(await sendPhoto(photo)).toMatch(/Bukti diterima: 1 berkas/);
    const ticket = await finishReport();

    const keys = fake.keys(PREFIX);
    expect(keys).toHaveLength(1);
    const stored = fake.objects.get(keys[0]!)!;
    expect(stored.body.equals(photo)).toBe(true);
    expect(stored.contentType).toBe('image/jpeg');
    expect(stored.serverSideEncryption).toBe('AES256');
    expect(fs.existsSync(path.join(dataDir, 'evidence')) ? fs.readdirSync(path.join(dataDir, 'evidence')) : []).toEqual([]);
    const row = app.app.db!.prepare(`SELECT e.file_name, e.description FROM evidence e JOIN reports r ON r.id = e.report_id WHERE r.ticket = ? AND e.kind = 'file'`).get(ticket);
    expect(row).toEqual({ file_name: keys[0]!.slice(PREFIX.length), description: 'Foto spanduk di kantor' });

    // What admins export: the report and, beside it, its photo as the reporter sent it.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-s3-export-'));
    try {
      const reports = (await collectReports(app.app.stores.reports)).filter((r) => r.ticket === ticket);
      const copied = await exportEvidenceFiles(reports, (name) => app.app.reporting.readEvidence(name), out);
      expect(copied).toEqual({ written: [`${ticket}/${keys[0]!.slice(PREFIX.length)}`], missing: [], mismatched: [] });
      expect(fs.readFileSync(path.join(out, copied.written[0]!)).equals(photo)).toBe(true);
      expect(fs.statSync(path.join(out, copied.written[0]!)).mode & 0o777).toBe(0o600);
      // A file that changed in the bucket since it was received is not passed on as evidence.
      stored.body = Buffer.concat([photo, Buffer.from('diubah')]);
      const again = await exportEvidenceFiles(reports, (name) => app.app.reporting.readEvidence(name), path.join(out, 'lagi'));
      expect(again.mismatched).toEqual(copied.written);
      stored.body = photo;
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
    await vi.waitFor(() => expect(app.app.storage.health().evidence).toMatchObject({ store: 's3', state: 'ok', checkedAt: expect.any(String) }));
  });

  it('a 503 from the store is retried and the photo is accepted once', async () => {
    await reachEvidenceStep();
    const before = fake.requests.length;
    fake.failNext(2, 503, 'SlowDown', ['PUT']);
    expect(await sendPhoto(jpeg('coba-ulang'))).toMatch(/Bukti diterima: 1 berkas/);
    expect(fake.requests.slice(before).filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([503, 503, 200]);
    await finishReport();
    expect(fake.keys(PREFIX)).toHaveLength(2);
  });

  it('a key the store no longer accepts: the reporter is told in Indonesian, the draft is kept, the log names the variables', async () => {
    await reachEvidenceStep();
    const keysBefore = fake.keys(PREFIX);
    fake.secretAccessKey = 'rotated-at-the-provider-0123456789abcd';
    try {
      expect(await sendPhoto(jpeg('ditolak'))).toBe(STORAGE_FAILURE_TEXT);
      expect(fake.keys(PREFIX)).toEqual(keysBefore);
      const failed = lines.find((l) => l.msg === 'report storage failed');
      expect(failed).toMatchObject({ code: 'S3:SignatureDoesNotMatch', hint: expect.stringMatching(/EVIDENCE_S3_ACCESS_KEY_ID dan EVIDENCE_S3_SECRET_ACCESS_KEY/) });
      expect(JSON.stringify(lines)).not.toContain(SECRET);
      expect(JSON.stringify(lines)).not.toContain(String(REPORTER.id));
    } finally {
      fake.secretAccessKey = SECRET;
    }
    // Nothing typed so far is lost: the report goes on at the evidence step.
    expect(await say('/lapor')).toMatch(/kita lanjutkan dari Langkah 7 dari 9/);
    expect(await sendPhoto(jpeg('diterima'))).toMatch(/Bukti diterima: 1 berkas/);
    await finishReport();
  });

  it("a cancelled draft's photos are removed from the bucket", async () => {
    await reachEvidenceStep();
    const before = new Set(fake.keys(PREFIX));
    expect(await sendPhoto(jpeg('batal'))).toMatch(/Bukti diterima/);
    const added = fake.keys(PREFIX).filter((k) => !before.has(k));
    expect(added).toHaveLength(1);
    expect(await say('/batal')).toMatch(/Batalkan laporan\?/);
    expect(await say('1')).toMatch(/Laporan dibatalkan/);
    expect(fake.objects.has(added[0]!)).toBe(false);
    expect(fake.keys(PREFIX)).toEqual([...before].sort());
  });

  it('at start, objects nothing refers to are removed once older than an hour; referenced, young and foreign ones stay', async () => {
    await stop();
    const referenced = fake.keys(PREFIX);
    expect(referenced).toHaveLength(3);
    for (const k of referenced) fake.objects.get(k)!.lastModified = ago(30 * 24 * 3600_000);
    const put = (key: string, lastModified: Date) => fake.objects.set(key, { body: jpeg(key), lastModified });
    put(`${PREFIX}0b8f3c2e-1d4a-4c6b-9f7e-2a1b3c4d5e6f.jpg`, ago(2 * 3600_000)); // an upload whose draft was never saved
    put(`${PREFIX}1c8f3c2e-1d4a-4c6b-9f7e-2a1b3c4d5e6f.jpg`, ago(60_000)); // another worker's, its draft not saved yet
    put(`${PREFIX}README.txt`, ago(90 * 24 * 3600_000)); // not a name Netra makes
    put('lain/2d8f3c2e-1d4a-4c6b-9f7e-2a1b3c4d5e6f.jpg', ago(90 * 24 * 3600_000)); // outside the prefix
    await start();
    expect(fake.keys()).toEqual(
      [...referenced, `${PREFIX}1c8f3c2e-1d4a-4c6b-9f7e-2a1b3c4d5e6f.jpg`, `${PREFIX}README.txt`, 'lain/2d8f3c2e-1d4a-4c6b-9f7e-2a1b3c4d5e6f.jpg'].sort(),
    );
    expect(lines.some((l) => l.msg === 'orphan evidence files removed' && l.removed === 1)).toBe(true);
  });

  it('a start with a wrong secret stops with one line naming the variables; a store that is down only logs', async () => {
    const wrong = 'wrong-secret-wrong-secret-0123456789';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-s3-bad-'));
    try {
      const failed = await createTestApp({ NETRA_DATA_DIR: dir, ...fake.env({ EVIDENCE_S3_SECRET_ACCESS_KEY: wrong }) }).then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      expect(failed?.message).toMatch(/^Penyimpanan bukti S3 tidak dapat dipakai \(S3:SignatureDoesNotMatch\): .*EVIDENCE_S3_SECRET_ACCESS_KEY/);
      expect(failed?.message).not.toContain(wrong);
      fake.failNext(8, 503, 'ServiceUnavailable');
      const { logger, lines: downLines } = captureLogger();
      const down = await createTestApp({ NETRA_DATA_DIR: dir, ...fake.env() }, { logger });
      fake.clearFailures();
      await down.close();
      expect(downLines.some((l) => l.msg?.startsWith('evidence store not reachable at start') && l.code === 'S3:ServiceUnavailable')).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('/healthz storage turns not ok while the bucket refuses, and ok again after', async () => {
    const config = loadConfig({ NETRA_DATA_DIR: dataDir, ...fake.env({ EVIDENCE_S3_PREFIX: PREFIX }) }, REPO_ROOT);
    const probe = withEvidenceProbe(createStorageProbe({ dataDir, databasePath: config.databasePath, writer: app.app.writer!, cacheMs: 0 }), evidenceBlobsFromConfig(config), {
      intervalMs: 0,
    });
    await vi.waitFor(() => expect(probe.health().evidence?.checkedAt).toBeDefined());
    expect(probe.health()).toMatchObject({ ok: true, evidence: { store: 's3', state: 'ok' } });
    fake.secretAccessKey = 'rotated-again-0123456789abcdefghijkl';
    try {
      await vi.waitFor(() => expect(probe.health()).toMatchObject({ ok: false, state: 'unavailable', evidence: { state: 'unavailable', code: 'S3:SignatureDoesNotMatch' } }));
    } finally {
      fake.secretAccessKey = SECRET;
    }
    await vi.waitFor(() => expect(probe.health()).toMatchObject({ ok: true, evidence: { state: 'ok' } }));
  });
});
