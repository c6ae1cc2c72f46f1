import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { STORAGE_FAILURE_TEXT } from '../../src/conversation/report-dialog.js';
import { user } from '../support/fake-telegram-api.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { captureLogger, startHarness, textOf, type Harness } from '../telegram/harness.js';

const REPORTER = user(8008, 'Dewi');

let harness: Harness | undefined;
let app: TestApp | undefined;
afterEach(async () => {
  await harness?.close();
  await app?.close().catch(() => undefined);
  harness = undefined;
  app = undefined;
});

/** Sends `text` as the reporter and returns the texts of the bot's replies (the last turn's). */
async function say(h: Harness, text: string, expected = 1): Promise<string[]> {
  const since = h.fake.calls.length;
  h.fake.userSays(text, { from: REPORTER });
  await vi.waitFor(
    () => {
      const n = h.fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === REPORTER.id).length;
      if (n < expected) throw new Error('waiting');
    },
    { timeout: 10_000, interval: 20 },
  );
  return h.fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === REPORTER.id).map(textOf);
}

describe('a report when storage fails (through Telegram)', () => {
  it('a refused write is told in Indonesian and the typed text goes neither to the answer pipeline nor to the log', async () => {
    const { logger, lines } = captureLogger();
    app = await createTestApp({}, { logger });
    harness = await startHarness({ conversation: app.conversation, notifiers: app.notifiers });
    expect((await say(harness, '/lapor', 2)).join()).toMatch(/Langkah 1 dari 9/);
    const ask = vi.spyOn(app.app.pipeline, 'ask');
    // The data directory became read-only (or full): every write fails from here on.
    app.app.db!.pragma('query_only = ON');
    const secret = 'Nama terlapor Bambang Sulistyo 3201234567890123';
    const reply = await say(harness, secret);
    expect(reply).toEqual([STORAGE_FAILURE_TEXT]);
    expect(ask).not.toHaveBeenCalled();
    expect(JSON.stringify(lines)).not.toContain('Bambang');
    expect(lines.some((l) => l.msg === 'report storage failed')).toBe(true);
    // Storage back: the report goes on from where it was; nothing was lost.
    app.app.db!.pragma('query_only = OFF');
    expect((await say(harness, '/lapor')).join()).toMatch(/kita lanjutkan dari Langkah 1 dari 9/);
    ask.mockRestore();
  });

  it('when storage cannot even say whether a report is open, the text is kept out of the pipeline too', async () => {
    app = await createTestApp();
    harness = await startHarness({ conversation: app.conversation, notifiers: app.notifiers });
    const ask = vi.spyOn(app.app.pipeline, 'ask');
    app.app.db!.close();
    const reply = await say(harness, 'Budi Santoso, NIP 198001012005011001');
    expect(reply).toEqual([STORAGE_FAILURE_TEXT]);
    expect(ask).not.toHaveBeenCalled();
    ask.mockRestore();
  });
});

describe('expired drafts', () => {
  it('are deleted at start, with their evidence and identity, although their chat never writes again', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-sweep-'));
    try {
      app = await createTestApp({ NETRA_DATA_DIR: dataDir });
      const chat = { channel: 'telegram' as const, chatId: '4242', userId: '4242', isPrivate: true };
      const send = (text: string, extra: object = {}) => app!.conversation.handle({ ...chat, text, ...extra });
      await send('/lapor');
      for (const text of ['1', '1', 'Budi Santoso', 'lewati', 'lewati', 'lewati', 'kemarin', '1', 'Kantor Dinas', 'Terlapor membagikan poster caleg di grup kantor.', 'selesai']) {
        await send(text);
      }
      const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 3)]);
      const ack = await send('', { attachments: [{ kind: 'photo', mimeType: 'image/jpeg', size: jpeg.length, load: async () => jpeg }] });
      expect(JSON.stringify(ack)).toMatch(/Bukti diterima: 1 berkas/);
      await send('selesai');
      await send('Siti Aminah, Jl. Melati 5, Kota Contoh');
      const evidenceDir = path.join(dataDir, 'evidence');
      expect(fs.readdirSync(evidenceDir)).toHaveLength(1);
      // Eight days without an answer.
      app.app.db!.prepare('UPDATE report_drafts SET updated_at = ?').run(new Date(Date.now() - 8 * 24 * 3600_000).toISOString());
      await app.close();

      app = await createTestApp({ NETRA_DATA_DIR: dataDir });
      expect(app.app.db!.prepare('SELECT COUNT(*) AS n FROM report_drafts').get()).toEqual({ n: 0 });
      expect(fs.readdirSync(evidenceDir)).toHaveLength(0);
      app.app.db!.pragma('wal_checkpoint(TRUNCATE)');
      expect(fs.readFileSync(path.join(dataDir, 'netra.sqlite')).toString('latin1')).not.toContain('Siti Aminah');
    } finally {
      await app?.close();
      app = undefined;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
