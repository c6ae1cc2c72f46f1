import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeS3 } from '../support/fake-s3.js';
import { choice, fillReport, makeEnv, photo, jpeg, ticketOf, type TestEnv } from './helpers.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
/** The compiled script (dist/, built by the ops project's global setup), as `npm run reports:export` runs it. */
const SCRIPT = path.join(ROOT, 'dist', 'scripts', 'reports-export.js');
const KEY = 'kunci-ekspor-untuk-pengujian-123';

/** Minimal RFC 4180 reader, so the test checks escaping by reading the file back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

async function exportWith(args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(process.execPath, [SCRIPT, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env },
    });
    return { ...r, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const TRICKY = 'Dia berkata, "pilih nomor 2!"\nLalu membagikan kaos; =SUM(A1) tertulis di spanduk.';

describe('scripts/reports-export.ts', () => {
  let env: TestEnv;
  let oldTicket: string;
  let newTicket: string;
  let dataDir: string;

  beforeAll(async () => {
    env = makeEnv({ key: KEY });
    dataDir = path.dirname(env.dbPath);
    const service = env.service();
    env.clock.now = new Date('2024-01-10T03:00:00Z');
    await fillReport(service, 'old', { identity: 'anon', date: '09-01-2024' });
    oldTicket = ticketOf(await service.handle(choice('old', 'confirm:send')));
    env.clock.now = new Date('2024-02-20T03:00:00Z');
    await fillReport(service, 'new', {
      chronology: TRICKY,
      attachments: [photo(jpeg('export'))],
      identity: 'Siti Aminah, Jl. Melati 5, Bandung, 081234567890',
      consent: 'yes',
    });
    newTicket = ticketOf(await service.handle(choice('new', 'confirm:send')));
    await service.admin(`/ubahstatus ${newTicket} diverifikasi sudah, dicek`);
    env.db.close();
  });
  afterAll(() => env.cleanup());

  it('exports CSV with proper escaping and decrypted, consented identities', async () => {
    const r = await exportWith(['--format', 'csv'], { NETRA_DATA_DIR: dataDir, REPORTS_ENCRYPTION_KEY: KEY });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = parseCsv(r.stdout);
    const [header, ...data] = rows;
    expect(header![0]).toBe('ticket');
    expect(data).toHaveLength(2);
    const col = (row: string[], name: string) => row[header!.indexOf(name)];
    const [first, second] = data as [string[], string[]];
    expect(col(first, 'ticket')).toBe(oldTicket);
    expect(col(first, 'identity_state')).toBe('anonim');
    expect(col(second, 'ticket')).toBe(newTicket);
    expect(col(second, 'chronology')).toBe(TRICKY); // commas, quotes, newline round-trip
    expect(col(second, 'reporter_name')).toBe('Siti Aminah');
    expect(col(second, 'reporter_contact')).toBe('081234567890');
    expect(col(second, 'status')).toBe('diverifikasi');
    expect(col(second, 'status_history')).toContain('diverifikasi: sudah, dicek');
    expect(col(second, 'evidence_files')).toMatch(/^[0-9a-f-]{36}\.jpg \(image\/jpeg/);
    expect(r.stdout).not.toContain('"new"'); // chat ids are never exported
  });

  it('exports JSON to a file, filtered by --since, and keeps identities locked without the key', async () => {
    const out = path.join(env.dir, 'ekspor.json');
    const r = await exportWith(['--format=json', '--since', '2024-02-01', '--out', out], { NETRA_DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/1 laporan diekspor/);
    expect(r.stderr).toMatch(/1 identitas pelapor terenkripsi tidak dapat dibuka/);
    expect(fs.statSync(out).mode & 0o077).toBe(0);
    const json = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>[];
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({
      ticket: newTicket,
      chronology: TRICKY,
      identityState: 'terkunci',
      consentForward: true,
      reported: { name: 'Budi Santoso' },
      history: [
        { status: 'diterima', at: '2024-02-20T03:00:00.000Z' },
        { status: 'diverifikasi', note: 'sudah, dicek' },
      ],
    });
    expect(json[0]!.identity).toBeUndefined();
    expect(JSON.stringify(json)).not.toContain('Siti');
  });

  it("--evidence copies each report's files out of the directory store, or out of an S3 bucket, checked by their SHA-256", async () => {
    const sent = jpeg('export');
    const [stored] = fs.readdirSync(env.evidenceDir);
    const fromDir = path.join(env.dir, 'bukti-dir');
    const r = await exportWith(['--format', 'json', '--out', path.join(env.dir, 'e.json'), '--evidence', fromDir], { NETRA_DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 berkas bukti disalin/);
    expect(fs.readFileSync(path.join(fromDir, newTicket, stored!)).equals(sent)).toBe(true);
    expect(fs.statSync(path.join(fromDir, newTicket)).mode & 0o777).toBe(0o700);

    const s3 = await new FakeS3().start();
    try {
      s3.objects.set(`ekspor/${stored}`, { body: sent, lastModified: new Date() });
      const fromS3 = path.join(env.dir, 'bukti-s3');
      const ok = await exportWith(['--format', 'csv', '--out', path.join(env.dir, 'e.csv'), '--evidence', fromS3], {
        NETRA_DATA_DIR: dataDir,
        ...s3.env({ EVIDENCE_S3_PREFIX: 'ekspor/' }),
      });
      expect(ok.stderr).toMatch(/1 berkas bukti disalin/);
      expect(fs.readFileSync(path.join(fromS3, newTicket, stored!)).equals(sent)).toBe(true);
      s3.objects.clear();
      const gone = await exportWith(['--format', 'csv', '--out', path.join(env.dir, 'e2.csv'), '--evidence', path.join(env.dir, 'b2')], {
        NETRA_DATA_DIR: dataDir,
        ...s3.env({ EVIDENCE_S3_PREFIX: 'ekspor/' }),
      });
      expect(gone.stderr).toContain(`Tidak ada di penyimpanan bukti: ${newTicket}/${stored}`);
      const refused = await exportWith(['--format', 'csv', '--out', path.join(env.dir, 'e3.csv'), '--evidence', path.join(env.dir, 'b3')], {
        NETRA_DATA_DIR: dataDir,
        ...s3.env({ EVIDENCE_S3_PREFIX: 'ekspor/', EVIDENCE_S3_SECRET_ACCESS_KEY: 'kunci-yang-salah-0123456789' }),
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/reports:export gagal: .*S3:SignatureDoesNotMatch.*EVIDENCE_S3_SECRET_ACCESS_KEY/);
      expect(refused.stderr).not.toContain('kunci-yang-salah');
    } finally {
      await s3.close();
    }
  });

  it('rejects bad arguments with a usage line', async () => {
    for (const args of [[], ['--format', 'xml'], ['--format', 'csv', '--since', '2024-02-30'], ['--format', 'csv', '--bogus']]) {
      const r = await exportWith(args, { NETRA_DATA_DIR: dataDir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/Pemakaian: npm run reports:export/);
    }
    const missing = await exportWith(['--format', 'csv'], { NETRA_DATA_DIR: path.join(env.dir, 'kosong') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Basis data belum ada/);
  });
});
