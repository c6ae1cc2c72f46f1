import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerSchema } from '../../src/answer/answer-contract.js';
import { startNetraProcess } from '../support/netra-process.js';
import { REPO_ROOT } from '../support/test-app.js';

/** The compiled CLI (dist/, built by the ops project's global setup): what `npm start` and `npm run ask` run. */
const compiled = (script: string) => path.join(REPO_ROOT, 'dist', script.replace(/\.ts$/, '.js'));
let dataDir: string;
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-cli-'));
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function run(script: string, args: string[], input: string, env: Record<string, string> = {}) {
  // Only what the CLI needs: no tokens or keys from the developer's environment leak in.
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NETRA_DATA_DIR: dataDir };
  return spawnSync(process.execPath, [compiled(script), ...args], { cwd: REPO_ROOT, input, env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('npm start (console chat, the embedded default)', () => {
  it('answers each piped line offline with a cited verdict and exits at end of input', () => {
    const r = run('src/cli/start.ts', [], 'Bolehkah PNS like postingan caleg di Instagram?\nlapor\n1\n/batal\n1\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('[DILARANG]');
    expect(r.stdout).toMatch(/Dasar:\n1\. .+ — .+\n {3}“.+”/);
    expect(r.stdout).toContain('Langkah 1 dari');
    expect(r.stdout).toMatch(/dibatalkan/i);
  });

  it('exits quietly when its output pipe closes early (`npm start | head -1`)', async () => {
    const netra = startNetraProcess(dataDir, {});
    // Like `head -1`: read the first output, then close the pipe while answers are still coming.
    netra.child.stdout.once('data', () => netra.child.stdout.destroy());
    netra.child.stdin.end('Bolehkah PNS like postingan caleg di Instagram?\n'.repeat(20));
    expect(await netra.exited).toBe(0);
    expect(netra.stderr()).not.toMatch(/EPIPE|Error|at /);
  });

  it('takes a whole report in the console and stores it with a ticket', () => {
    const steps = [
      'lapor',
      '1', // kind: the first listed violation
      '1', // Pemilu
      'Drs. Budi Santoso, M.Si.',
      'Kepala Seksi',
      'Dinas Pendidikan Kabupaten Contoh',
      '1', // NIP/NIK: Lewati
      '12-01-2024',
      '1', // known: on the day (the Pemilu 2024 stages ran then)
      'Kantor Dinas Pendidikan Kabupaten Contoh',
      'Pada rapat staf pagi itu, Budi membagikan kaos bergambar caleg nomor 3 kepada semua pegawai',
      'dan meminta mereka memakainya saat apel.',
      'selesai',
      'selesai', // no evidence
      'anonim',
      '1', // Kirim
    ];
    const r = run('src/cli/start.ts', [], `${steps.join('\n')}\n`, { NETRA_TODAY: '2024-01-15' });
    expect(r.status).toBe(0);
    const ticket = /NTR-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(r.stdout)?.[0];
    expect(ticket, r.stdout.slice(-1500)).toBeDefined();
    const db = new Database(path.join(dataDir, 'netra.sqlite'), { readonly: true });
    try {
      const row = db.prepare('SELECT ticket, chronology, reported_name, route FROM reports WHERE ticket = ?').get(ticket) as
        | { ticket: string; chronology: string; reported_name: string; route: string }
        | undefined;
      expect(row?.chronology).toContain('membagikan kaos bergambar caleg nomor 3 kepada semua pegawai\n\ndan meminta');
      expect(row?.reported_name).toBe('Drs. Budi Santoso, M.Si.');
      // Anonymous during the Pemilu 2024 stages: SP4N-LAPOR! first (Bawaslu needs name and address).
      expect(row?.route).toBe('sp4n_lapor');
    } finally {
      db.close();
    }
  });

  it('after a restart says that a report is in progress and shows the step', { timeout: 120_000 }, () => {
    const first = run('src/cli/start.ts', [], 'lapor\n1\n1\nRudi Hartono\n', { NETRA_TODAY: '2024-01-15' });
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Terlapor — jabatan');
    // A new process, nothing typed yet: the first thing shown is where the report stands.
    const second = run('src/cli/start.ts', [], 'batal\n1\n', { NETRA_TODAY: '2024-01-15' });
    expect(second.status).toBe(0);
    const opening = second.stdout.trimStart();
    expect(opening).toMatch(/^📝 Anda sedang mengisi laporan yang belum selesai — Langkah 3 dari 9 · Terlapor — jabatan/);
    expect(second.stdout).toMatch(/Laporan dibatalkan/);
    // Nothing left to resume.
    const third = run('src/cli/start.ts', [], '', { NETRA_TODAY: '2024-01-15' });
    expect(third.stdout).not.toMatch(/belum selesai/);
  });

  it('fails at start with one line naming a malformed variable', () => {
    const r = run('src/cli/start.ts', [], '', { HTTP_PORT: 'delapan' });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Konfigurasi salah: HTTP_PORT="delapan"/);
  });
});

describe('npm run ask', () => {
  it('prints one JSON answer per input line, in order, with --json --stdin', () => {
    const questions = ['Bolehkah PNS ikut kampanye calon presiden?', 'Bagaimana cara memasak nasi goreng?', 'Can a PNS vote in the election?'];
    const r = run('src/cli/ask.ts', ['--json', '--stdin'], `${questions.join('\n')}\n`);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => AnswerSchema.parse(JSON.parse(l)));
    expect(lines.map((a) => a.question)).toEqual(questions);
    expect(lines[1]!.verdict).toBe('di_luar_topik');
    expect(lines[2]!.language).toBe('en');
  });

  it('prints a formatted answer for one question', () => {
    const r = run('src/cli/ask.ts', ['Apakah PPPK boleh menjadi anggota partai politik?'], '');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('[DILARANG]');
    expect(r.stdout).toContain('PP 49/2018');
  });
});
