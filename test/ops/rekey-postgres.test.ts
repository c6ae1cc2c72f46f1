import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFieldSealer } from '../../src/storage/field-crypto.js';
import { choice, fillReport, msg, reportDriver, textOf, ticketOf } from '../reporting/helpers.js';
import { freshSchema, HOW_TO_RUN_POSTGRES, TEST_DATABASE_URL } from '../support/postgres-test-db.js';
import { createTestApp, REPO_ROOT } from '../support/test-app.js';

/**
 * `npm run reports:rekey` with DATABASE_URL: the compiled script, as an operator runs it, against
 * a real PostgreSQL schema that a real Netra filled (a submitted report with identity, a draft).
 */

const run = promisify(execFile);
const SCRIPT = path.join(REPO_ROOT, 'dist', 'scripts', 'reports-rekey.js');
const KEY_A = 'kunci-lama-postgres-untuk-uji-rekey-01';
const KEY_B = 'kunci-baru-postgres-untuk-uji-rekey-98';
const ID_SECRET = 'id-secret-rekey-postgres-0123456789ab';
const CHAT = '6285511113333@c.us';

describe.skipIf(!TEST_DATABASE_URL)(`npm run reports:rekey on PostgreSQL${TEST_DATABASE_URL ? '' : ` — not run: ${HOW_TO_RUN_POSTGRES}`}`, () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let url: string;
  let dataDir: string;
  let ticket: string;

  const env = (key: string) => ({ NETRA_DATA_DIR: dataDir, DATABASE_URL: url, NETRA_ID_SECRET: ID_SECRET, REPORTS_ENCRYPTION_KEY: key });

  async function rekey(vars: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const r = await run(process.execPath, [SCRIPT], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...vars } });
      return { code: 0, ...r };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  /** What an admin (the identity) and the reporter (/status) see with `key`. */
  async function views(key: string): Promise<string> {
    const t = await createTestApp(env(key));
    try {
      const driver = reportDriver(t.app.reporting);
      const out = await driver.admin(`/laporan ${ticket}`, '1');
      const status = await driver.status(msg(CHAT, `/status ${ticket}`, { channel: 'whatsapp' }), ticket);
      const draft = await t.app.reporting.loadDraft({ channel: 'whatsapp', chatId: CHAT });
      return `${textOf(out)}\n${textOf(status)}\ndraft:${draft.kind}`;
    } finally {
      await t.close();
    }
  }

  beforeAll(async () => {
    schema = await freshSchema(TEST_DATABASE_URL!);
    const u = new URL(TEST_DATABASE_URL!);
    u.searchParams.set('options', `-c search_path=${schema.schema}`);
    url = u.toString();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-rekey-pg-'));
    const t = await createTestApp(env(KEY_A));
    try {
      const driver = reportDriver(t.app.reporting);
      await fillReport(driver, CHAT, { channel: 'whatsapp', kind: 'media_sosial', date: '09-01-2024' });
      ticket = ticketOf(await driver.handle(choice(CHAT, 'confirm:send', { channel: 'whatsapp' })));
      await driver.start(msg(CHAT, '/lapor', { channel: 'whatsapp' })); // a draft to re-key too
      // Short-lived sealed chat state of the old key, e.g. a follow-up memory.
      await t.conversation.handle({ channel: 'telegram', chatId: '777', userId: '777', isPrivate: true, text: 'Bolehkah PNS ikut kampanye?' });
      // …and the token of a Telegram button whose choice id is longer than 64 bytes.
      await t.app.choiceTokens.tokenFor('ask:Kepala dinas kumpulkan staf terus minta dukung calon gubernur, boleh?');
    } finally {
      await t.close();
    }
  });
  afterAll(async () => {
    await schema?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('with a wrong old key changes nothing and says so, without printing a key', async () => {
    const r = await rekey({ ...env('kunci-yang-salah-sama-sekali-000'), REPORTS_ENCRYPTION_KEY_NEW: KEY_B });
    expect(r.stderr).toMatch(/Tidak ada yang diubah/);
    expect(r.code).toBe(1);
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY_B.slice(0, 8));
    const seen = await views(KEY_A);
    expect(seen).toContain('Siti Aminah');
    expect(seen).toContain('draft:draft');
  });

  it('one row the old key cannot open aborts the whole run: nothing is re-sealed', async () => {
    const [row] = await schema.query('SELECT channel, chat_id, state FROM report_drafts');
    const foreign = createFieldSealer('ein-ganz-anderer-schluessel-0000').seal('{}', 'x');
    const c = new (await import('pg')).default.Client({ connectionString: url });
    await c.connect();
    try {
      // A second draft sealed with some other key, beside the readable report and draft.
      await c.query('INSERT INTO report_drafts (channel, chat_id, chat_ref, step, state, created_at, updated_at) VALUES ($1, $2, NULL, $3, $4, $5, $5)', [
        'telegram',
        `${String(row?.chat_id)}-other`,
        'kind',
        foreign,
        new Date().toISOString(),
      ]);
      const before = await schema.query('SELECT reporter_chat_id FROM reports');
      const r = await rekey({ ...env(KEY_A), REPORTS_ENCRYPTION_KEY_NEW: KEY_B });
      expect(r.stderr).toMatch(/Tidak ada yang diubah/);
      expect(r.code).toBe(1);
      expect(await schema.query('SELECT reporter_chat_id FROM reports')).toEqual(before);
      expect(await views(KEY_A)).toContain('Siti Aminah');
      expect(await schema.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'reports_rekeyed'")).toEqual([{ n: 0 }]);
    } finally {
      await c.query("DELETE FROM report_drafts WHERE chat_id LIKE '%-other'");
      await c.end();
    }
  });

  it('re-seals identities, chat ids and drafts in the shared database: the new key opens them, the old one no longer does, /status still works', async () => {
    expect(await schema.query('SELECT COUNT(*) AS n FROM conversation_memory')).toEqual([{ n: 1 }]);
    expect(await schema.query('SELECT COUNT(*) AS n FROM choice_tokens')).toEqual([{ n: 1 }]);
    const r = await rekey({ ...env(KEY_A), REPORTS_ENCRYPTION_KEY_NEW: KEY_B });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 laporan, 1 identitas pelapor dan 1 draf/);
    expect(r.stdout).not.toContain(KEY_B.slice(0, 8));

    const withNew = await views(KEY_B);
    expect(withNew).toContain('Siti Aminah');
    expect(withNew).toContain(`Laporan ${ticket}`); // /status from the reporter's chat
    expect(withNew).toContain('draft:draft');
    const withOld = await views(KEY_A);
    expect(withOld).not.toContain('Siti Aminah');
    expect(withOld).toMatch(/tidak dapat dibuka/);
    expect(withOld).toContain(`Laporan ${ticket}`); // lookups use the id secret, not the key
    expect(withOld).toContain('draft:unreadable');

    const audit = await schema.query("SELECT actor, detail FROM audit_log WHERE action = 'reports_rekeyed'");
    expect(audit).toEqual([{ actor: `cli:${os.userInfo().username}`, detail: '1 laporan, 1 identitas, 1 draf' }]);
    // The old key's short-lived ciphertext does not stay behind.
    expect(await schema.query('SELECT COUNT(*) AS n FROM conversation_memory')).toEqual([{ n: 0 }]);
    expect(await schema.query('SELECT COUNT(*) AS n FROM choice_tokens')).toEqual([{ n: 0 }]);
  });
});
