import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { hashUserId } from '../../src/logging/logger.js';
import { ID_SECRET_FILE, loadIdSecret } from '../../src/privacy/id-secret.js';
import { configurePseudonyms, keyedHash } from '../../src/privacy/pseudonym.js';
import { redactPersonalData } from '../../src/privacy/redact-personal-data.js';
import { checkpoint } from '../../src/storage/database.js';
import { QuestionLog } from '../../src/storage/question-log.js';
import { choice, fillReport, makeEnv, msg, type TestEnv, textOf, ticketOf } from '../reporting/helpers.js';
import { createTestApp } from '../support/test-app.js';

const KEY_A = 'kunci-uji-pertama-0123456789abcdef';
const KEY_B = 'kunci-uji-kedua-fedcba9876543210xyz';
const WA_NUMBER = '6281234567890';
const WA_CHAT = `${WA_NUMBER}@c.us`;

describe('question text is redacted before it is stored', () => {
  it.each([
    ['NIK 3201234567890123 saya', 'NIK [NIK] saya'],
    ['NIP 198501012010011001 atasan', 'NIP [NIP] atasan'],
    ['NIP 19850101 201001 1 001 atasan', 'NIP [NIP] atasan'],
    ['hubungi 081234567890 ya', 'hubungi [TELEPON] ya'],
    ['hubungi +62 812-3456-7890 ya', 'hubungi [TELEPON] ya'],
    ['wa 0812 3456 7890', 'wa [TELEPON]'],
    ['email budi.santoso@dinas.go.id', 'email [EMAIL]'],
  ])('%s', (input, expected) => {
    expect(redactPersonalData(input)).toBe(expected);
  });

  it('keeps what is not personal: years, articles, laws, dates, ticket numbers', () => {
    const text = 'Pasal 280 UU 7/2017 pada Pemilu 2024, kejadian 12-01-2024, tiket NTR-7K3Q-92FD, 20 orang';
    expect(redactPersonalData(text)).toBe(text);
  });
});

describe('pseudonymous ids are keyed', () => {
  it('cannot be recomputed from the phone number without the secret', () => {
    configurePseudonyms('rahasia-id-uji-satu-0123456789abcdef');
    const a = hashUserId('whatsapp', WA_CHAT);
    // The old, unkeyed form that was reversed in seconds:
    const unkeyed = createHash('sha256').update(`netra:whatsapp:${WA_CHAT}`).digest('hex').slice(0, 12);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(a.startsWith(unkeyed)).toBe(false);
    expect(hashUserId('whatsapp', WA_CHAT)).toBe(a); // stable
    configurePseudonyms('rahasia-id-uji-dua-fedcba9876543210');
    expect(hashUserId('whatsapp', WA_CHAT)).not.toBe(a);
    expect(keyedHash('s'.repeat(32), 'log', 'x')).not.toBe(keyedHash('s'.repeat(32), 'lookup', 'x'));
  });

  it('the id secret is generated once in the data directory, 0600, and NETRA_ID_SECRET wins', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-secret-'));
    try {
      const first = loadIdSecret(path.join(dir, 'data'));
      expect(first.source).toBe('generated');
      const file = path.join(dir, 'data', ID_SECRET_FILE);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(dir, 'data')).mode & 0o777).toBe(0o700);
      expect(loadIdSecret(path.join(dir, 'data'))).toEqual({ secret: first.secret, source: 'file' });
      expect(loadIdSecret(path.join(dir, 'data'), 'dari-lingkungan-0123456789abcdef').source).toBe('env');
      fs.writeFileSync(file, 'pendek');
      expect(() => loadIdSecret(path.join(dir, 'data'))).toThrow(/NETRA_ID_SECRET/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('secrets in the configuration', () => {
  it.each([
    ['empty', ''],
    ['only spaces', '    '],
    ['surrounded by spaces', ` ${KEY_A} `],
    ['too short', 'pendek-sekali'],
  ])('a REPORTS_ENCRYPTION_KEY that is %s stops the start, without echoing any part of it', (_name, value) => {
    let error: unknown;
    try {
      loadConfig({ REPORTS_ENCRYPTION_KEY: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Konfigurasi salah: REPORTS_ENCRYPTION_KEY=\(rahasia, tidak ditampilkan\)/);
    if (value.trim().length >= 3) expect(message).not.toContain(value.trim().slice(0, 3));
  });

  it('an unset key means no encryption, not an error', () => {
    expect(loadConfig({}).reportsEncryptionKey).toBeUndefined();
  });
});

describe('stored reports and drafts', () => {
  let env: TestEnv;
  beforeEach(() => {
    configurePseudonyms('rahasia-id-uji-laporan-0123456789abcdef');
    env = makeEnv({ key: KEY_A });
  });
  afterEach(() => env.cleanup());

  /** Every byte SQLite keeps for the database: the file and its write-ahead log. */
  function databaseBytes(): Buffer {
    const parts = [env.dbPath, `${env.dbPath}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f));
    return Buffer.concat(parts);
  }

  it('a WhatsApp number is nowhere in the database file or its WAL when the key is set', async () => {
    const service = env.service();
    await fillReport(service, WA_CHAT, { channel: 'whatsapp', identity: 'anon' });
    expect(databaseBytes().includes(WA_NUMBER)).toBe(false); // a draft in progress
    const done = await service.handle(choice(WA_CHAT, 'confirm:send', { channel: 'whatsapp' }));
    ticketOf(done);
    checkpoint(env.db);
    expect(databaseBytes().includes(WA_NUMBER)).toBe(false); // the stored report
    const row = env.db.prepare('SELECT reporter_chat_id FROM reports').get() as { reporter_chat_id: string };
    expect(row.reporter_chat_id.startsWith('enc:v1:')).toBe(true);
  });

  it('a draft of the old format (chat id in the clear) is converted at start and still resumes', async () => {
    const service = env.service();
    await service.start(msg(WA_CHAT, '/lapor', { channel: 'whatsapp' }));
    // Rewrite the row as version 2 stored it: the chat id itself, state sealed under that id.
    const { sealer } = service.reporting as unknown as { sealer: import('../../src/storage/field-crypto.js').FieldSealer };
    const row = env.db.prepare('SELECT chat_id, state FROM report_drafts').get() as { chat_id: string; state: string };
    const plain = sealer.open(row.state, `draft:whatsapp:${row.chat_id}`);
    env.db.prepare('UPDATE report_drafts SET chat_id = ?, chat_ref = NULL, state = ?').run(WA_CHAT, sealer.seal(plain, `draft:whatsapp:${WA_CHAT}`));
    const { DraftRepository } = await import('../../src/reporting/draft-repository.js');
    expect(new DraftRepository(env.db, sealer).convertLegacy()).toEqual({ converted: 1, dropped: 0 });
    const converted = env.db.prepare('SELECT chat_id, chat_ref FROM report_drafts').get() as { chat_id: string; chat_ref: string };
    expect(converted.chat_id).toMatch(/^k1:[0-9a-f]{64}$/);
    expect(converted.chat_ref.startsWith('enc:v1:')).toBe(true);
    expect(await service.isInFlow('whatsapp', WA_CHAT)).toBe(true);
    expect(textOf(await service.handle(choice(WA_CHAT, 'kind:medsos', { channel: 'whatsapp' })))).toMatch(/Langkah 2 dari 9/);
  });

  it('/status keeps working after the encryption key changes; the identity is then locked', async () => {
    const before = env.service();
    await fillReport(before, '5551', {});
    const ticket = ticketOf(await before.handle(choice('5551', 'confirm:send')));
    env.restart();
    const after = env.service({ key: KEY_B });
    expect(textOf(await after.status(msg('5551', `/status ${ticket}`), ticket))).toContain(`Laporan ${ticket}`);
    expect(textOf(await after.status(msg('5552', `/status ${ticket}`), ticket))).toMatch(/tidak ditemukan/);
    const detail = textOf(await after.admin(`/laporan ${ticket}`, '42'));
    expect(detail).toMatch(/tidak dapat dibuka dengan REPORTS_ENCRYPTION_KEY/);
  });

  it('viewing an identity and changing a status are in the audit trail, with who and when', async () => {
    const service = env.service();
    await fillReport(service, '777', {});
    const ticket = ticketOf(await service.handle(choice('777', 'confirm:send')));
    const detail = textOf(await service.admin(`/laporan ${ticket}`, '4242'));
    expect(detail).toContain('Siti Aminah');
    await service.admin(`/ubahstatus ${ticket} diverifikasi sudah dicek`, '4242');
    await expect
      .poll(() => env.db.prepare('SELECT actor, action, ticket, detail FROM audit_log ORDER BY id').all())
      .toEqual([
        { actor: 'telegram:4242', action: 'identity_viewed', ticket, detail: null },
        { actor: 'telegram:4242', action: 'status_changed', ticket, detail: 'diterima → diverifikasi' },
      ]);
    const at = (env.db.prepare('SELECT at FROM audit_log LIMIT 1').get() as { at: string }).at;
    expect(at).toBe(env.clock.now.toISOString());
  });

  it('the question log stores redacted text and expires it after the retention period', async () => {
    const log = new QuestionLog(env.db);
    const now = new Date('2024-06-01T00:00:00Z');
    log.logQuestion({ channel: 'whatsapp', chatHash: 'p', question: 'Saya Budi NIK 3201234567890123 hp 081234567890, boleh kampanye?', verdict: 'dilarang', at: new Date('2024-02-01T00:00:00Z') });
    log.logQuestion({ channel: 'whatsapp', chatHash: 'p', question: 'Bolehkah PNS ikut kampanye?', verdict: 'dilarang', at: new Date('2024-05-25T00:00:00Z') });
    const stored = (env.db.prepare('SELECT question FROM questions ORDER BY id').all() as { question: string }[]).map((r) => r.question);
    expect(stored[0]).toBe('Saya Budi NIK [NIK] hp [TELEPON], boleh kampanye?');
    expect(await log.sweep(90, now)).toBe(1);
    expect((env.db.prepare('SELECT question FROM questions').all() as { question: string }[]).map((r) => r.question)).toEqual(['Bolehkah PNS ikut kampanye?']);
  });
});

describe('the data directory of a running Netra', () => {
  it('is 0700 with the database, its WAL and the id secret 0600; logs and the question log carry keyed pseudonyms', async () => {
    const t = await createTestApp();
    try {
      const mode = (f: string) => fs.statSync(path.join(t.dataDir, f)).mode & 0o777;
      expect(mode('.')).toBe(0o700);
      expect(mode('netra.sqlite')).toBe(0o600);
      expect(mode(ID_SECRET_FILE)).toBe(0o600);
      await t.conversation.handle({ channel: 'whatsapp', chatId: WA_CHAT, userId: WA_CHAT, isPrivate: true, text: 'Bolehkah PNS ikut kampanye? NIK saya 3201234567890123' });
      if (fs.existsSync(path.join(t.dataDir, 'netra.sqlite-wal'))) expect(mode('netra.sqlite-wal')).toBe(0o600);
      const db = new Database(path.join(t.dataDir, 'netra.sqlite'), { readonly: true });
      try {
        const row = db.prepare('SELECT chat_hash, question FROM questions').get() as { chat_hash: string; question: string };
        expect(row.question).toContain('[NIK]');
        expect(row.question).not.toContain('3201234567890123');
        const secret = fs.readFileSync(path.join(t.dataDir, ID_SECRET_FILE), 'utf8').trim();
        expect(row.chat_hash).toBe(keyedHash(secret, 'log', `whatsapp:${WA_CHAT}`).slice(0, 16));
      } finally {
        db.close();
      }
    } finally {
      await t.close();
    }
  });
});
