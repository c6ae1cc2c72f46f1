import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNetraStorage } from '../../src/reporting/netra-storage.js';
import type { RouteDecision } from '../../src/reporting/report-routing.js';
import { createFieldSealer } from '../../src/storage/field-crypto.js';
import { freshSchema, HOW_TO_RUN_POSTGRES, TEST_DATABASE_URL } from '../support/postgres-test-db.js';
import { REPO_ROOT } from '../support/test-app.js';

const run = promisify(execFile);

async function script(name: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [path.join(REPO_ROOT, 'dist', 'scripts', `${name}.js`), ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run db:migrate / db:copy: configuration errors', () => {
  it('a DATABASE_URL that is not PostgreSQL stops with one line that does not echo it', async () => {
    const r = await script('db-migrate', [], { DATABASE_URL: 'mysql://root:sandi-rahasia@127.0.0.1/netra', NETRA_DATA_DIR: os.tmpdir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Konfigurasi salah: DATABASE_URL=');
    expect(r.stderr).toContain('postgres://');
    expect(r.stderr).not.toContain('sandi-rahasia');
  });
});

describe.skipIf(!TEST_DATABASE_URL)(`npm run db:migrate / db:copy against PostgreSQL${TEST_DATABASE_URL ? '' : ` — not run: ${HOW_TO_RUN_POSTGRES}`}`, () => {
  let dir: string;
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let url: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-dbscripts-'));
    schema = await freshSchema(TEST_DATABASE_URL!);
    const u = new URL(TEST_DATABASE_URL!);
    // A password in the address (ignored by trust auth) must never be printed.
    u.password = 'sandi-rahasia';
    u.searchParams.set('options', `-c search_path=${schema.schema}`);
    url = u.toString();
  });
  afterAll(async () => {
    await schema?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('db:migrate creates the schema once; running it again changes nothing', async () => {
    const first = await script('db-migrate', [], { DATABASE_URL: url, NETRA_DATA_DIR: dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/skema versi 0 → \d+\./);
    const again = await script('db-migrate', [], { DATABASE_URL: url, NETRA_DATA_DIR: dir });
    expect(again.stdout).toContain('sudah mutakhir');
    expect(first.stdout + again.stdout).not.toContain('sandi-rahasia');
  });

  it('db:copy moves a SQLite deployment, twice without duplicates, and prints counts only', async () => {
    const file = path.join(dir, 'lama.sqlite');
    const s = await openNetraStorage({ engine: 'sqlite', path: file }, createFieldSealer(undefined, 'id-secret-for-the-db-copy-script'));
    for (let i = 0; i < 12; i++) {
      await s.reports.create(
        {
          election: 'pemilu',
          kindId: 'medsos',
          kindLabel: 'Kampanye di media sosial',
          reported: { name: 'Budi Santoso' },
          incidentDate: '2024-02-10',
          place: 'Kota Bogor',
          chronology: 'Mengajak rekan kerja memilih calon tertentu di grup kantor.',
          evidence: [],
          links: [],
          channel: 'whatsapp',
          chatId: `62812000000${i}@c.us`,
          anonymous: false,
          consentForward: true,
          identity: { name: 'Siti Pelapor' },
          route: { primary: 'bawaslu', options: [], rule: { id: 'x', explanation: '-' }, notes: [] } as unknown as RouteDecision,
        },
        new Date(),
      );
    }
    await s.close();
    const copy = await script('db-copy', ['--from', `sqlite:${file}`, '--to', url], { NETRA_DATA_DIR: dir });
    expect(copy.stderr).toBe('');
    expect(copy.code).toBe(0);
    expect(copy.stdout).toContain('reports: 12 baris di sumber, 12 baru, 0 sudah ada');
    expect(copy.stdout).toContain('Selesai: 12 laporan ada di PostgreSQL');
    const again = await script('db-copy', ['--from', `sqlite:${file}`], { NETRA_DATA_DIR: dir, DATABASE_URL: url });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('reports: 12 baris di sumber, 0 baru, 12 sudah ada');
    expect(await schema.query('SELECT COUNT(*) AS n FROM reports')).toEqual([{ n: 12 }]);
    for (const out of [copy.stdout, again.stdout]) {
      expect(out).not.toContain('sandi-rahasia');
      expect(out).not.toContain('Siti Pelapor');
      expect(out).not.toContain('628120000');
    }
  });

  it('stats and reports:export read the shared database with DATABASE_URL', async () => {
    const stats = await script('stats', ['--json'], { DATABASE_URL: url, NETRA_DATA_DIR: dir });
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ totals: { reports: 12 }, reportsByStatus: { diterima: 12 } });
    expect(stats.stdout).not.toContain('sandi-rahasia');
    const exported = await script('reports-export', ['--format', 'json'], { DATABASE_URL: url, NETRA_DATA_DIR: dir });
    expect(exported.code).toBe(0);
    const reports = JSON.parse(exported.stdout) as { ticket: string; identityState: string; history: unknown[] }[];
    expect(reports).toHaveLength(12);
    expect(reports.every((r) => r.identityState === 'tersedia' && r.history.length === 1)).toBe(true);
    expect(exported.stdout).not.toContain('628120000');
    const gaps = await script('gaps', ['--json'], { DATABASE_URL: url, NETRA_DATA_DIR: dir });
    expect(gaps.code).toBe(0);
  });

  it('db:copy without a source file or with a wrong target says what to do', async () => {
    const missing = await script('db-copy', ['--from', `sqlite:${path.join(dir, 'tidak-ada.sqlite')}`, '--to', url], { NETRA_DATA_DIR: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Berkas SQLite tidak ditemukan');
    const wrong = await script('db-copy', ['--from', `sqlite:${path.join(dir, 'lama.sqlite')}`, '--to', 'sqlite:/tmp/x.sqlite'], { NETRA_DATA_DIR: dir });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--to harus postgres://');
  });
});
