import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choice, fillReport, msg, reportDriver, textOf, ticketOf } from '../reporting/helpers.js';
import { createTestApp, REPO_ROOT } from '../support/test-app.js';

const run = promisify(execFile);
const SCRIPT = path.join(REPO_ROOT, 'dist', 'scripts', 'reports-rekey.js');
const KEY_A = 'kunci-lama-untuk-uji-rekey-0123456789';
const KEY_B = 'kunci-baru-untuk-uji-rekey-9876543210';
const CHAT = '6285511112222@c.us';

async function rekey(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [SCRIPT], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NETRA_DATA_DIR: dataDir, ...env } });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function adminView(key: string, ticket: string): Promise<string> {
  const t = await createTestApp({ NETRA_DATA_DIR: dataDir, REPORTS_ENCRYPTION_KEY: key });
  try {
    const driver = reportDriver(t.app.reporting);
    const out = await driver.admin(`/laporan ${ticket}`, '1');
    const status = await driver.status(msg(CHAT, `/status ${ticket}`, { channel: 'whatsapp' }), ticket);
    return `${textOf(out)}\n${textOf(status)}`;
  } finally {
    await t.close();
  }
}

let dataDir: string;
let ticket: string;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-rekey-'));
  const t = await createTestApp({ NETRA_DATA_DIR: dataDir, REPORTS_ENCRYPTION_KEY: KEY_A });
  try {
    const driver = reportDriver(t.app.reporting);
    await fillReport(driver, CHAT, { channel: 'whatsapp', kind: 'media_sosial', date: '09-01-2024' });
    ticket = ticketOf(await driver.handle(choice(CHAT, 'confirm:send', { channel: 'whatsapp' })));
    await driver.start(msg(CHAT, '/lapor', { channel: 'whatsapp' })); // a draft to re-key too
  } finally {
    await t.close();
  }
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('npm run reports:rekey', () => {
  it('with a wrong old key changes nothing and says so, without printing a key', async () => {
    const r = await rekey({ REPORTS_ENCRYPTION_KEY: 'kunci-yang-salah-sama-sekali-000', REPORTS_ENCRYPTION_KEY_NEW: KEY_B });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Tidak ada yang diubah/);
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY_B.slice(0, 8));
    expect(await adminView(KEY_A, ticket)).toContain('Siti Aminah');
  });

  it('refuses a blank new key', async () => {
    const r = await rekey({ REPORTS_ENCRYPTION_KEY: KEY_A, REPORTS_ENCRYPTION_KEY_NEW: '   ' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/REPORTS_ENCRYPTION_KEY_NEW: kosong atau hanya spasi/);
  });

  it('re-encrypts identities, chat ids and drafts: the new key opens them, the old one no longer does, /status still works', async () => {
    const r = await rekey({ REPORTS_ENCRYPTION_KEY: KEY_A, REPORTS_ENCRYPTION_KEY_NEW: KEY_B });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 laporan, 1 identitas pelapor dan 1 draf/);
    const withNew = await adminView(KEY_B, ticket);
    expect(withNew).toContain('Siti Aminah');
    expect(withNew).toContain(`Laporan ${ticket}`); // /status from the reporter's chat
    const withOld = await adminView(KEY_A, ticket);
    expect(withOld).not.toContain('Siti Aminah');
    expect(withOld).toMatch(/tidak dapat dibuka/);
    expect(withOld).toContain(`Laporan ${ticket}`); // lookups do not depend on the key
    const db = new Database(path.join(dataDir, 'netra.sqlite'), { readonly: true });
    try {
      expect(db.prepare("SELECT action FROM audit_log WHERE action = 'reports_rekeyed'").all()).toHaveLength(1);
    } finally {
      db.close();
    }
  });
});
