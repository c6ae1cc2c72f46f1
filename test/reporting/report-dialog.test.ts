import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_STATUS_VALUES } from '../../src/storage/database.js';
import { REPORT_STATUSES } from '../../src/reporting/report-status.js';
import {
  ADMIN_CHAT,
  CHRONOLOGY,
  choice,
  choicesOf,
  fillReport,
  jpeg,
  makeEnv,
  msg,
  photo,
  textOf,
  ticketOf,
  type TestEnv,
} from './helpers.js';

const STORED_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[a-z0-9]+$/;

let env: TestEnv;
beforeEach(() => {
  env = makeEnv();
});
afterEach(() => env.cleanup());

function count(table: string): number {
  return (env.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('Reporting dialog: full flow', () => {
  it('stores a report with an attachment, routes it, and notifies the admin', async () => {
    const service = env.service();
    const image = jpeg('full-flow');
    const confirm = await fillReport(service, '98765432101', {
      attachments: [photo(image, { fileName: '../../etc/passwd.jpg' })],
      links: 'Unggahannya di https://facebook.com/contoh/posts/1 kemarin',
    });
    expect(choicesOf(confirm)).toEqual(['confirm:send', 'confirm:edit', 'confirm:cancel']);
    expect(textOf(confirm)).toContain('Budi Santoso');
    expect(textOf(confirm)).toContain('/kembali untuk kembali, /batal untuk membatalkan');

    const done = await service.handle(choice('98765432101', 'confirm:send'));
    const ticket = ticketOf(done);
    expect(ticket).toMatch(/^NTR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const reply = textOf(done);
    // Pemilu, within 7 working days, with name and address: Bawaslu first, with the statutory basis.
    expect(reply).toMatch(/Disarankan: Bawaslu/);
    expect(reply).toContain('UU 7/2017 Pasal 454 ayat (4)');
    expect(reply).toContain('Rabu, 28 Februari 2024'); // known 19 Feb (Mon) + 7 working days
    expect(reply).toMatch(/Mengapa: .*tahapan Pemilu 2024.*sedang berjalan/);
    expect(reply).toContain('tidak menggantikan kanal resmi');
    expect(reply).toContain('1. Nama dan alamat pelapor: Siti Aminah, Jl. Melati No. 5, Kota Contoh');
    expect(await service.isInFlow('telegram', '98765432101')).toBe(false);

    const report = env.db.prepare('SELECT * FROM reports WHERE ticket = ?').get(ticket) as Record<string, unknown>;
    expect(report).toMatchObject({
      status: 'diterima',
      kind_id: 'medsos',
      election: 'pemilu',
      reported_name: 'Budi Santoso',
      reported_position: 'Kepala Seksi Umum',
      reported_agency: 'Dinas Pendidikan Kabupaten Contoh',
      incident_date: '2024-02-19',
      chronology: CHRONOLOGY,
      channel: 'telegram',
      route: 'bawaslu',
      deadline: '2024-02-28',
      consent_forward: 1,
    });
    expect(count('report_drafts')).toBe(0);
    expect(count('report_status_history')).toBe(1);

    const files = env.db.prepare(`SELECT * FROM evidence WHERE kind = 'file'`).all() as {
      file_name: string;
      sha256: string;
      size_bytes: number;
      original_name: string;
    }[];
    expect(files).toHaveLength(1);
    const file = files[0]!;
    expect(file.file_name).toMatch(STORED_NAME);
    expect(file.file_name.endsWith('.jpg')).toBe(true);
    expect(file.original_name).toBe('passwd.jpg');
    const onDisk = fs.readFileSync(path.join(env.evidenceDir, file.file_name));
    expect(createHash('sha256').update(onDisk).digest('hex')).toBe(file.sha256);
    expect(file.sha256).toBe(createHash('sha256').update(image).digest('hex'));
    expect(fs.readdirSync(env.evidenceDir)).toEqual([file.file_name]);
    const links = env.db.prepare(`SELECT url FROM evidence WHERE kind = 'link'`).all();
    expect(links).toEqual([{ url: 'https://facebook.com/contoh/posts/1' }]);

    expect(env.telegram.sent).toHaveLength(1);
    const notice = env.telegram.sent[0]!;
    expect(notice.chatId).toBe(ADMIN_CHAT);
    expect(notice.text).toContain(ticket);
    expect(notice.text).toContain('Siti Aminah'); // consented
    expect(notice.text).not.toContain('98765432101'); // never the reporter's chat id
  });

  it('accepts a typed custom kind, dates in words, and text answers for buttons', async () => {
    const service = env.service();
    await service.start(msg('5', '/lapor'));
    let r = await service.handle(choice('5', 'kind:lainnya'));
    expect(textOf(r)).toMatch(/Tulis jenis dugaan pelanggarannya/);
    r = await service.handle(msg('5', 'Mengarahkan bawahan ikut apel siaga calon'));
    expect(textOf(r)).toMatch(/Langkah 2 dari 9/);
    r = await service.handle(msg('5', 'ini pilkada bupati'));
    expect(textOf(r)).toMatch(/Terlapor — nama/);
    await service.handle(msg('5', 'Andi Wijaya'));
    await service.handle(msg('5', 'tidak tahu'));
    await service.handle(msg('5', 'Kecamatan Sukamaju'));
    r = await service.handle(msg('5', 'NIP 19800101 200501 1 001'));
    expect(textOf(r)).toContain('Andi Wijaya — Kecamatan Sukamaju (NIP/NIK 198001012005011001)');
    r = await service.handle(msg('5', 'kemarin'));
    expect(textOf(r)).toContain('Senin, 19 Februari 2024');
    expect(textOf(r)).toMatch(/Kapan Anda mengetahuinya/);
    r = await service.handle(msg('5', 'hari ini'));
    expect(textOf(r)).toContain('diketahui Selasa, 20 Februari 2024');
    expect(textOf(r)).toMatch(/Langkah 5 dari 9/);
    await service.handle(msg('5', 'Aula Kecamatan Sukamaju'));
    await service.handle(msg('5', CHRONOLOGY));
    await service.handle(msg('5', 'selesai'));
    await service.handle(msg('5', 'lewati'));
    r = await service.handle(msg('5', 'anonim'));
    expect(textOf(r)).toMatch(/anonim — pilihan ini kami terima/);
    expect(textOf(r)).toMatch(/Konfirmasi/);
    r = await service.handle(msg('5', 'kirim'));
    const ticket = ticketOf(r);
    const row = env.db.prepare('SELECT * FROM reports WHERE ticket = ?').get(ticket) as Record<string, unknown>;
    expect(row).toMatchObject({
      kind_id: 'lainnya',
      kind_label: 'Mengarahkan bawahan ikut apel siaga calon',
      election: 'pilkada',
      reported_name: 'Andi Wijaya',
      reported_position: null,
      reported_agency: 'Kecamatan Sukamaju',
      reported_id_number: '198001012005011001',
      anonymous: 1,
      // A stage runs and the reporter is anonymous: SP4N-LAPOR! first, because Bawaslu needs name and address.
      route: 'sp4n_lapor',
      known_date: '2024-02-20',
      deadline: '2024-02-27', // known 20 Feb + 7 calendar days (Pilkada)
    });
    expect(textOf(r)).toMatch(/Disarankan: SP4N-LAPOR!/);
    expect(textOf(r)).toMatch(/Alternatif: Bawaslu/);
    expect(textOf(r)).toContain('[isi nama dan alamat Anda');
    expect(count('reporter_identities')).toBe(0);
  });

  it('offers the text written before /lapor as the chronology, but not a question', async () => {
    const service = env.service();
    const description = 'Kepala dinas mengunggah foto bersama calon dan mengajak pegawai memilihnya.';
    await service.start(msg('8', 'saya mau lapor'), { description });
    await service.handle(choice('8', 'kind:medsos'));
    await service.handle(choice('8', 'election:pemilu'));
    await service.handle(msg('8', 'Kepala Dinas X'));
    await service.handle(choice('8', 'skip'));
    await service.handle(choice('8', 'skip'));
    await service.handle(choice('8', 'skip'));
    await service.handle(msg('8', 'hari ini'));
    await service.handle(choice('8', 'known:same'));
    const r = await service.handle(msg('8', 'Instagram dinas'));
    expect(choicesOf(r)).toContain('chronology:prefill');
    expect(textOf(r)).toContain(description);
    const part = await service.handle(choice('8', 'chronology:prefill'));
    expect(textOf(part)).toMatch(/Bagian 1 diterima/);
    const next = await service.handle(choice('8', 'chronology:done'));
    expect(textOf(next)).toMatch(/Langkah 7 dari 9/);

    await service.start(msg('8q', '/lapor'), { description: 'Bagaimana cara melaporkannya?' });
    await service.start(msg('8r', '/lapor'), { description: 'Apakah camat boleh ikut kampanye kalau cuti' });
    for (const chat of ['8q', '8r']) {
      for (const m of [choice(chat, 'kind:medsos'), choice(chat, 'election:pemilu'), msg(chat, 'Budi Santoso'), choice(chat, 'skip'), choice(chat, 'skip'), choice(chat, 'skip'), msg(chat, 'hari ini'), choice(chat, 'known:same')]) {
        await service.handle(m);
      }
      const asked = await service.handle(msg(chat, 'Kantor Dinas'));
      expect(choicesOf(asked)).not.toContain('chronology:prefill');
      expect(textOf(asked)).not.toMatch(/Anda tadi menulis/);
    }
  });
});

describe('Reporting dialog: logging', () => {
  it('logs events without report content, identities, phone numbers or chat ids', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const service = env.service({ logger });
    const chat = '6281211112222@c.us';
    await fillReport(service, chat, { channel: 'whatsapp', attachments: [photo(jpeg('log'))] });
    const ticket = ticketOf(await service.handle(choice(chat, 'confirm:send', { channel: 'whatsapp' })));
    env.registry.unregister('whatsapp');
    await service.admin(`/ubahstatus ${ticket} ditolak Nama pelapor Siti tidak jelas`);
    const log = lines.join('');
    expect(log).toContain('report_submitted');
    expect(log).toContain('report_status_undelivered');
    for (const secret of ['Budi', 'Siti', 'Melati', '081234567890', '6281211112222', CHRONOLOGY.slice(0, 30), 'Ruang rapat', 'tidak jelas']) {
      expect(log).not.toContain(secret);
    }
  });
});

describe('Reporting dialog: drafts', () => {
  it('resumes at the same step after a restart (new service, new connection, same file)', async () => {
    const first = env.service();
    await first.start(msg('42', '/lapor'));
    await first.handle(choice('42', 'kind:atribut'));
    await first.handle(choice('42', 'election:pemilu'));
    await first.handle(msg('42', 'Rudi Hartono'));
    await first.handle(msg('42', 'Camat'));

    env.restart();
    const second = env.service();
    expect(await second.isInFlow('telegram', '42')).toBe(true);
    // /lapor again continues instead of starting over.
    const again = await second.start(msg('42', '/lapor'));
    expect(textOf(again)).toMatch(/belum selesai/);
    expect(textOf(again)).toMatch(/Terlapor — instansi/);
    await second.handle(msg('42', 'Kecamatan Sukamaju'));
    await second.handle(choice('42', 'skip'));
    await second.handle(msg('42', '2024-02-16'));
    await second.handle(msg('42', '2024-02-19'));
    await second.handle(msg('42', 'Kantor Kecamatan Sukamaju'));
    await second.handle(msg('42', CHRONOLOGY));
    await second.handle(msg('42', 'selesai'));
    await second.handle(choice('42', 'evidence:skip'));
    await second.handle(choice('42', 'identity:anon'));
    const confirm = await second.handle(msg('42', 'tidak dipakai'));
    expect(textOf(confirm)).toMatch(/Mohon pilih "Kirim", "Ubah", atau "Batal"/);
    expect(textOf(confirm)).toContain('Rudi Hartono — Camat — Kecamatan Sukamaju');
    expect(textOf(confirm)).toContain('Memakai atribut calon');
    expect(textOf(confirm)).toContain('Diketahui pada: Senin, 19 Februari 2024');
    const done = await second.handle(choice('42', 'confirm:send'));
    const row = env.db.prepare('SELECT kind_id, election, incident_date, known_date, deadline FROM reports WHERE ticket = ?').get(ticketOf(done));
    // The Bawaslu deadline counts from when it became known (19 Feb), not from the incident (16 Feb).
    expect(row).toEqual({ kind_id: 'atribut', election: 'pemilu', incident_date: '2024-02-16', known_date: '2024-02-19', deadline: '2024-02-28' });
  });

  it('/batal asks first, then deletes the draft and its evidence files', async () => {
    const service = env.service();
    await fillTo(service, '7', 'evidence');
    const r = await service.handle(msg('7', '', { attachments: [photo(jpeg('batal'))] }));
    expect(textOf(r)).toContain('Bukti diterima: 1 berkas');
    expect(fs.readdirSync(env.evidenceDir)).toHaveLength(1);

    const asked = await service.handle(msg('7', '/batal'));
    expect(textOf(asked)).toMatch(/Batalkan laporan\?/);
    expect(choicesOf(asked)).toEqual(['cancel:yes', 'cancel:no']);
    expect(count('report_drafts')).toBe(1);
    // "Tidak" keeps everything and goes on where it was.
    const kept = await service.handle(choice('7', 'cancel:no'));
    expect(textOf(kept)).toMatch(/tidak dibatalkan/);
    expect(textOf(kept)).toMatch(/Langkah 7 dari 9/);
    expect(fs.readdirSync(env.evidenceDir)).toHaveLength(1);

    await service.handle(msg('7', 'batal'));
    const cancelled = await service.handle(msg('7', 'ya'));
    expect(textOf(cancelled)).toMatch(/dibatalkan/);
    expect(await service.isInFlow('telegram', '7')).toBe(false);
    expect(count('report_drafts')).toBe(0);
    expect(count('reports')).toBe(0);
    expect(fs.readdirSync(env.evidenceDir)).toHaveLength(0);
    // A later message is not taken as an answer.
    expect(textOf(await service.handle(msg('7', 'halo')))).toMatch(/Tidak ada laporan yang sedang Anda isi/);
  });

  it('/kembali goes back one step keeping the answer, and "Tetap" moves on unchanged', async () => {
    const service = env.service();
    await service.start(msg('9', '/lapor'));
    expect(textOf(await service.handle(msg('9', '/kembali')))).toMatch(/Ini sudah langkah pertama/);
    await service.handle(choice('9', 'kind:medsos'));
    await service.handle(choice('9', 'election:pemilu'));
    await service.handle(msg('9', 'Budi Santoso'));
    const back = await service.handle(msg('9', '/kembali'));
    expect(textOf(back)).toMatch(/Terlapor — nama/);
    expect(textOf(back)).toContain('Jawaban sebelumnya: Budi Santoso');
    expect(choicesOf(back)).toContain('keep');
    const back2 = await service.handle(msg('9', 'kembali'));
    expect(textOf(back2)).toMatch(/Langkah 2 dari 9/);
    await service.handle(choice('9', 'keep'));
    const kept = await service.handle(choice('9', 'keep'));
    expect(textOf(kept)).toMatch(/Terlapor — jabatan/);
  });

  it('re-asks on invalid dates, implausible names and over-long text without losing earlier answers', async () => {
    const service = env.service();
    await service.start(msg('3', '/lapor'));
    await service.handle(choice('3', 'kind:medsos'));
    await service.handle(choice('3', 'election:pemilu'));
    let r = await service.handle(msg('3', 'x'));
    expect(textOf(r)).toMatch(/"x" tidak tampak seperti nama/);
    expect(textOf(r)).toMatch(/Terlapor — nama/);
    for (const junk of ['aaa', '123', 'x.', 'q!']) expect(textOf(await service.handle(msg('3', junk)))).toMatch(/tidak tampak seperti nama/);
    // Academic titles and their commas stay part of the name.
    r = await service.handle(msg('3', 'Drs. Budi Santoso, M.Si.'));
    expect(textOf(r)).toMatch(/Terlapor — jabatan/);
    await service.handle(msg('3', 'Kepala Bidang Mutasi, Sub Bagian Umum'));
    await service.handle(msg('3', 'BKPSDM Kabupaten Contoh'));
    r = await service.handle(msg('3', '12345'));
    expect(textOf(r)).toMatch(/NIP harus 18 angka atau NIK 16 angka/);
    r = await service.handle(choice('3', 'skip'));
    expect(textOf(r)).toContain('Drs. Budi Santoso, M.Si. — Kepala Bidang Mutasi, Sub Bagian Umum — BKPSDM Kabupaten Contoh');

    r = await service.handle(msg('3', '31-02-2024'));
    expect(textOf(r)).toContain('Tanggal 31-02-2024 tidak ada di kalender');
    expect(textOf(r)).toMatch(/Langkah 4 dari 9/);
    r = await service.handle(msg('3', '21/02/2024'));
    expect(textOf(r)).toMatch(/belum terjadi/);
    r = await service.handle(msg('3', 'besok sore'));
    expect(textOf(r)).toMatch(/belum dapat saya baca/);
    r = await service.handle(msg('3', '12 Februari 2024'));
    expect(textOf(r)).toMatch(/Kapan Anda mengetahuinya/);
    r = await service.handle(msg('3', '10 Februari 2024'));
    expect(textOf(r)).toMatch(/tidak boleh sebelum tanggal kejadian/);
    r = await service.handle(choice('3', 'known:same'));
    expect(textOf(r)).toMatch(/Langkah 5 dari 9/);
    // 12 Feb + 7 working days = 21 Feb; today is 20 Feb → one working day left.
    expect(textOf(r)).toMatch(/Waktunya tinggal 1 hari kerja lagi/);

    r = await service.handle(msg('3', 'x'));
    expect(textOf(r)).toMatch(/Tempat kejadian terlalu singkat/);
    await service.handle(msg('3', 'Kantor Dinas Pendidikan'));
    r = await service.handle(msg('3', 'terlalu pendek'));
    expect(textOf(r)).toMatch(/Bagian 1 diterima/);
    r = await service.handle(msg('3', 'selesai'));
    expect(textOf(r)).toMatch(/terlalu singkat \(minimal 20 karakter\)/);
    r = await service.handle(msg('3', 'a'.repeat(10_001)));
    expect(textOf(r)).toMatch(/tidak disimpan: uraian akan menjadi 10\.017 karakter, melebihi batas 10\.000/);
    await service.handle(msg('3', CHRONOLOGY));
    await service.handle(msg('3', 'selesai'));
    await service.handle(choice('3', 'evidence:skip'));
    r = await service.handle(msg('3', 'x, Jl. Melati 5'));
    expect(textOf(r)).toMatch(/tidak tampak seperti nama/);
    const confirm = await service.handle(choice('3', 'identity:anon'));
    const t = textOf(confirm);
    expect(t).toContain('Senin, 12 Februari 2024');
    expect(t).toContain('Kantor Dinas Pendidikan');
    expect(t).toContain(`terlalu pendek\n\n${CHRONOLOGY}`);
  });

  it('collects a description longer than one message until "selesai", keeping every part', async () => {
    const service = env.service();
    // Three Telegram-sized messages (each near the 4,096-character limit).
    const parts = ['Bagian pertama. ' + 'a'.repeat(3_900), 'Bagian kedua. ' + 'b'.repeat(3_900), 'Bagian ketiga, penutup.'];
    await fillTo(service, 'long', 'chronology');
    let r = await service.handle(msg('long', parts[0]!));
    expect(textOf(r)).toMatch(/Bagian 1 diterima \(total 3\.916 dari maks\. 10\.000 karakter\)/);
    r = await service.handle(msg('long', parts[1]!));
    expect(textOf(r)).toMatch(/Bagian 2 diterima/);
    r = await service.handle(msg('long', parts[2]!));
    expect(textOf(r)).toMatch(/Bagian 3 diterima/);
    expect(choicesOf(r)).toContain('chronology:done');
    r = await service.handle(msg('long', 'selesai'));
    expect(textOf(r)).toMatch(/Langkah 7 dari 9/);
    await service.handle(choice('long', 'evidence:skip'));
    await service.handle(choice('long', 'identity:anon'));
    const done = await service.handle(choice('long', 'confirm:send'));
    const row = env.db.prepare('SELECT chronology FROM reports WHERE ticket = ?').get(ticketOf(done)) as { chronology: string };
    expect(row.chronology).toBe(parts.join('\n\n'));
  });

  it('keeps a caption as the description of its files, acknowledges several files in one reply', async () => {
    const service = env.service();
    await fillTo(service, 'cap', 'evidence');
    const album = [photo(jpeg('a1')), photo(jpeg('a2')), photo(jpeg('a3'))];
    const r = await service.handle(msg('cap', 'Foto camat di panggung kampanye https://instagram.com/p/abc', { attachments: album }));
    expect(r).toHaveLength(1);
    expect(textOf(r)).toContain('Bukti diterima: 3 berkas. Keterangan "Foto camat di panggung kampanye');
    expect(textOf(r)).toContain('Sudah diterima: 3 berkas, 1 tautan');
    expect(textOf(r)).not.toMatch(/tidak berisi berkas/);
    await service.handle(choice('cap', 'evidence:done'));
    const confirm = await service.handle(choice('cap', 'identity:anon'));
    expect(textOf(confirm)).toContain('"Foto camat di panggung kampanye https://instagram.com/p/abc"');
    const done = await service.handle(choice('cap', 'confirm:send'));
    const rows = env.db.prepare(`SELECT description FROM evidence WHERE kind = 'file' ORDER BY id`).all();
    expect(rows).toEqual(Array(3).fill({ description: 'Foto camat di panggung kampanye https://instagram.com/p/abc' }));
    expect(textOf(done)).toContain('https://instagram.com/p/abc');
  });

  it('"Ubah" from the summary edits one answer and returns to the summary', async () => {
    const service = env.service();
    await fillReport(service, '12');
    const menu = await service.handle(choice('12', 'confirm:edit'));
    expect(choicesOf(menu)).toContain('edit:place');
    expect(choicesOf(menu)).toContain('edit:reportedName');
    const ask = await service.handle(choice('12', 'edit:place'));
    expect(textOf(ask)).toMatch(/Langkah 5 dari 9/);
    const back = await service.handle(msg('12', 'Lapangan Merdeka, Kota Contoh'));
    expect(textOf(back)).toMatch(/Konfirmasi/);
    expect(textOf(back)).toContain('Tempat: Lapangan Merdeka, Kota Contoh');
    const done = await service.handle(choice('12', 'confirm:send'));
    const row = env.db.prepare('SELECT place FROM reports WHERE ticket = ?').get(ticketOf(done));
    expect(row).toEqual({ place: 'Lapangan Merdeka, Kota Contoh' });
  });

  it('keeps two reporters apart when their messages interleave', async () => {
    const service = env.service();
    await Promise.all([service.start(msg('A', '/lapor')), service.start(msg('B', '/lapor'))]);
    await Promise.all([service.handle(choice('A', 'kind:medsos')), service.handle(choice('B', 'kind:atribut'))]);
    await service.handle(choice('B', 'election:bukan_pemilihan'));
    await service.handle(choice('A', 'election:pemilu'));
    await Promise.all([service.handle(msg('A', 'Pegawai A')), service.handle(msg('B', 'Pegawai B'))]);
    for (const chat of ['A', 'B']) for (let i = 0; i < 3; i++) await service.handle(choice(chat, 'skip'));
    await service.handle(msg('A', '19-02-2024'));
    await service.handle(choice('A', 'known:same'));
    await service.handle(msg('B', '15-02-2024'));
    await Promise.all([service.handle(msg('B', 'Tempat B')), service.handle(msg('A', 'Tempat A'))]);
    await service.handle(msg('A', `A: ${CHRONOLOGY}`));
    await service.handle(msg('B', `B: ${CHRONOLOGY}`));
    await Promise.all([service.handle(msg('A', 'selesai')), service.handle(msg('B', 'selesai'))]);
    await service.handle(msg('A', '', { attachments: [photo(jpeg('a1')), photo(jpeg('a2'))] }));
    await service.handle(choice('B', 'evidence:skip'));
    await service.handle(choice('A', 'evidence:done'));
    await service.handle(choice('A', 'identity:anon'));
    await service.handle(choice('B', 'identity:anon'));
    const [doneA, doneB] = await Promise.all([service.handle(choice('A', 'confirm:send')), service.handle(choice('B', 'confirm:send'))]);
    const a = env.db.prepare('SELECT * FROM reports WHERE ticket = ?').get(ticketOf(doneA)) as Record<string, unknown>;
    const b = env.db.prepare('SELECT * FROM reports WHERE ticket = ?').get(ticketOf(doneB)) as Record<string, unknown>;
    expect(a).toMatchObject({ kind_id: 'medsos', election: 'pemilu', reported_name: 'Pegawai A', place: 'Tempat A', incident_date: '2024-02-19' });
    expect(b).toMatchObject({ kind_id: 'atribut', election: 'bukan_pemilihan', reported_name: 'Pegawai B', place: 'Tempat B', incident_date: '2024-02-15' });
    expect(String(a.chronology).startsWith('A:')).toBe(true);
    expect(String(b.chronology).startsWith('B:')).toBe(true);
    expect((env.db.prepare('SELECT COUNT(*) AS n FROM evidence WHERE report_id = ?').get(a.id) as { n: number }).n).toBe(2);
    expect((env.db.prepare('SELECT COUNT(*) AS n FROM evidence WHERE report_id = ?').get(b.id) as { n: number }).n).toBe(0);
    expect(ticketOf(doneA)).not.toBe(ticketOf(doneB));
  });

  it('refuses an over-size file with a clear message and keeps nothing', async () => {
    const service = env.service({ maxEvidenceBytes: 2048 });
    await fillTo(service, '4', 'evidence');
    let loaded = false;
    const big = { kind: 'document' as const, mimeType: 'application/pdf', fileName: 'bukti.pdf', size: 5000, load: async () => {
        loaded = true;
        return Buffer.alloc(5000);
      } };
    let r = await service.handle(msg('4', '', { attachments: [big] }));
    expect(textOf(r)).toContain('"bukti.pdf" terlalu besar. Ukuran maksimal per berkas 2 KB');
    expect(loaded).toBe(false);
    // Size unknown in advance: checked after download.
    r = await service.handle(msg('4', '', { attachments: [{ ...big, size: undefined }] }));
    expect(textOf(r)).toMatch(/terlalu besar/);
    const exe = { kind: 'document' as const, mimeType: 'application/x-msdownload', fileName: 'a.exe', load: async () => Buffer.from('MZ....') };
    r = await service.handle(msg('4', '', { attachments: [exe] }));
    expect(textOf(r)).toMatch(/tidak dapat diterima/);
    expect(fs.existsSync(env.evidenceDir) ? fs.readdirSync(env.evidenceDir) : []).toHaveLength(0);
    expect(textOf(r)).toMatch(/Langkah 7 dari 9/);
    // A channel's load() that finds the file too large says so (one error class for every channel).
    const { AttachmentTooLargeError } = await import('../../src/conversation/messages.js');
    r = await service.handle(msg('4', '', { attachments: [{ kind: 'photo', load: async () => Promise.reject(new AttachmentTooLargeError(2048, 9000)) }] }));
    expect(textOf(r)).toContain('foto terlalu besar');
    expect(textOf(r)).not.toMatch(/gagal diunduh/);
  });

  it('does not start in a group: it points to the private chat instead', async () => {
    const service = env.service();
    const r = await service.start(
      msg('-100999', '/lapor', {
        isPrivate: false,
        userId: '55',
        links: { report: 'https://t.me/NetraBot?start=lapor', fullAnswer: () => 'https://t.me/NetraBot' },
      }),
    );
    expect(textOf(r)).toContain('https://t.me/NetraBot?start=lapor');
    expect(textOf(r)).toMatch(/tidak diterima di grup/);
    expect(await service.isInFlow('telegram', '-100999')).toBe(false);
    expect(count('report_drafts')).toBe(0);
    const noLink = await service.start(msg('-100999', '/lapor', { isPrivate: false }));
    expect(textOf(noLink)).toMatch(/chat pribadi/);
  });

  it('drops a draft left untouched for more than 7 days', async () => {
    const service = env.service();
    await service.start(msg('old', '/lapor'));
    env.clock.now = new Date(env.clock.now.getTime() + 8 * 24 * 3600_000);
    expect(await service.isInFlow('telegram', 'old')).toBe(false);
    await expect.poll(() => count('report_drafts')).toBe(0); // deleted in the background
  });

  it('the sweep deletes expired drafts with their evidence and identity, though their chats never write again', async () => {
    const service = env.service();
    await fillTo(service, 'gone', 'evidence');
    await service.handle(msg('gone', '', { attachments: [photo(jpeg('sweep'))] }));
    await service.handle(choice('gone', 'evidence:done'));
    await service.handle(msg('gone', 'Siti Aminah, Jl. Melati No. 5'));
    await service.start(msg('fresh', '/lapor'));
    expect(fs.readdirSync(env.evidenceDir)).toHaveLength(1);

    env.clock.now = new Date(env.clock.now.getTime() + 6 * 24 * 3600_000);
    await service.handle(choice('fresh', 'kind:medsos')); // still in use
    expect(await service.reporting.sweepExpiredDrafts()).toBe(0);
    env.clock.now = new Date(env.clock.now.getTime() + 2 * 24 * 3600_000);
    expect(await service.reporting.sweepExpiredDrafts()).toBe(1);
    expect(env.db.prepare('SELECT COUNT(*) AS n FROM report_drafts').get()).toEqual({ n: 1 });
    expect(await service.isInFlow('telegram', 'fresh')).toBe(true);
    expect(await service.isInFlow('telegram', 'gone')).toBe(false);
    expect(fs.readdirSync(env.evidenceDir)).toHaveLength(0);
    env.db.pragma('wal_checkpoint(TRUNCATE)');
    const raw = fs.readFileSync(env.dbPath).toString('latin1');
    expect(raw).not.toContain('Siti Aminah');
  });
});

describe('Reporting dialog: status and admin', () => {
  it('a status change is stored with its note and reaches the reporter on their channel', async () => {
    const service = env.service();
    await fillReport(service, '6281234567890@c.us', { channel: 'whatsapp', identity: 'anon' });
    const done = await service.handle(choice('6281234567890@c.us', 'confirm:send', { channel: 'whatsapp' }));
    const ticket = ticketOf(done);

    env.clock.now = new Date('2024-02-21T02:00:00Z');
    const reply = await service.admin(`/ubahstatus ${ticket.toLowerCase()} diverifikasi Bukti sudah dicek, akan diteruskan ke Bawaslu`);
    expect(textOf(reply)).toMatch(/Diterima → Diverifikasi/);
    expect(textOf(reply)).toMatch(/Pelapor sudah diberi tahu/);
    expect(env.whatsapp.sent).toEqual([
      expect.objectContaining({ chatId: '6281234567890@c.us', text: expect.stringContaining('Diverifikasi') }),
    ]);
    expect(env.whatsapp.sent[0]!.text).toContain('Catatan admin: Bukti sudah dicek, akan diteruskan ke Bawaslu');

    const history = env.db.prepare('SELECT status, note, at FROM report_status_history ORDER BY id').all();
    expect(history).toEqual([
      { status: 'diterima', note: null, at: '2024-02-20T03:00:00.000Z' },
      { status: 'diverifikasi', note: 'Bukti sudah dicek, akan diteruskan ke Bawaslu', at: '2024-02-21T02:00:00.000Z' },
    ]);

    const status = textOf(await service.status(msg('6281234567890@c.us', '', { channel: 'whatsapp' }), ticket));
    expect(status).toContain('Status: Diverifikasi');
    expect(status).toContain('Bukti sudah dicek');

    // With the channel not running, the change is still stored and the admin is told.
    env.registry.unregister('whatsapp');
    const undelivered = await service.admin(`/ubahstatus ${ticket} selesai`);
    expect(textOf(undelivered)).toMatch(/belum dapat diberi tahu/);
    expect(env.db.prepare('SELECT status FROM reports').get()).toEqual({ status: 'selesai' });

    const bad = await service.admin(`/ubahstatus ${ticket} dibuang`);
    expect(textOf(bad)).toMatch(/Status "dibuang" tidak dikenal/);
  });

  it('a status cannot move backwards without a note saying why', async () => {
    const service = env.service();
    await fillReport(service, 'back', { identity: 'anon' });
    const ticket = ticketOf(await service.handle(choice('back', 'confirm:send')));
    await service.admin(`/ubahstatus ${ticket} diteruskan`);
    let r = await service.admin(`/ubahstatus ${ticket} diterima`);
    expect(textOf(r)).toMatch(/tidak dapat diubah mundur dari Diteruskan ke Diterima tanpa catatan/);
    expect(env.db.prepare('SELECT status FROM reports').get()).toEqual({ status: 'diteruskan' });
    r = await service.admin(`/ubahstatus ${ticket} diteruskan`);
    expect(textOf(r)).toMatch(/sudah berstatus Diteruskan/);
    await service.admin(`/ubahstatus ${ticket} selesai`);
    r = await service.admin(`/ubahstatus ${ticket} ditolak`);
    expect(textOf(r)).toMatch(/tanpa catatan alasan/);
    r = await service.admin(`/ubahstatus ${ticket} diterima Salah klik; laporan dibuka kembali`);
    expect(textOf(r)).toMatch(/Selesai → Diterima \(catatan: Salah klik/);
    const history = env.db.prepare('SELECT status, note FROM report_status_history ORDER BY id').all();
    expect(history.map((h) => (h as { status: string }).status)).toEqual(['diterima', 'diteruskan', 'selesai', 'diterima']);
  });

  it('/status without a ticket lists the chat\'s own reports, and nobody else\'s', async () => {
    const service = env.service();
    expect(textOf(await service.handle(msg('mine', '/status')))).toMatch(/Belum ada laporan yang dikirim dari chat ini/);
    await fillReport(service, 'mine', { identity: 'anon' });
    const t1 = ticketOf(await service.handle(choice('mine', 'confirm:send')));
    await fillReport(service, 'mine', { identity: 'anon', kind: 'atribut' });
    const t2 = ticketOf(await service.handle(choice('mine', 'confirm:send')));
    await fillReport(service, 'theirs', { identity: 'anon' });
    const t3 = ticketOf(await service.handle(choice('theirs', 'confirm:send')));
    const list = textOf(await service.handle(msg('mine', 'status')));
    expect(list).toContain(t1);
    expect(list).toContain(t2);
    expect(list).not.toContain(t3);
    expect(list).toContain('Memakai atribut calon');
  });

  it('a stranger asking /status learns nothing, not even that the ticket exists', async () => {
    const service = env.service();
    await fillReport(service, 'owner');
    const ticket = ticketOf(await service.handle(choice('owner', 'confirm:send')));
    const fake = ticket === 'NTR-2222-2222' ? 'NTR-3333-3333' : 'NTR-2222-2222';

    const stranger = textOf(await service.status(msg('stranger', `/status ${ticket}`), ticket));
    const missing = textOf(await service.status(msg('stranger', `/status ${fake}`), fake));
    expect(stranger).toBe(missing.replace(fake, ticket));
    expect(stranger).not.toMatch(/Diterima|Kampanye|Budi/);
    // Same chat id on another channel is another person.
    const otherChannel = textOf(await service.status(msg('owner', '', { channel: 'whatsapp' }), ticket));
    expect(otherChannel).toBe(stranger);
    // A group the owner is in is not the owner's chat either.
    expect(textOf(await service.status(msg('-100', '', { userId: 'owner', isPrivate: false }), ticket))).toBe(stranger);

    const owner = textOf(await service.status(msg('owner', ''), ticket.replace(/-/g, '').toLowerCase()));
    expect(owner).toContain('Status: Diterima');
  });

  it('notifies admins without the identity when consent is withheld, and does not store it', async () => {
    const service = env.service();
    await fillReport(service, 'r1', { identity: 'Nama: Siti Aminah, Alamat: Jl. Melati No. 5, Kontak: 081234567890', consent: 'no' });
    const done = await service.handle(choice('r1', 'confirm:send'));
    const ticket = ticketOf(done);
    // The reporter's own ready-to-paste summary still has their identity.
    expect(textOf(done)).toContain('Siti Aminah, Jl. Melati No. 5, kontak 081234567890');

    expect(env.telegram.sent).toHaveLength(1);
    const notice = env.telegram.sent[0]!.text;
    expect(notice).toContain(ticket);
    expect(notice).toContain('Budi Santoso');
    expect(notice).not.toContain('Siti');
    expect(notice).not.toContain('Melati');
    expect(notice).not.toContain('081234567890');
    expect(notice).toMatch(/tidak disertakan/);
    expect(count('reporter_identities')).toBe(0);

    const detail = await service.admin(`/laporan ${ticket}`);
    expect(textOf(detail)).not.toContain('Siti');
    expect(textOf(detail)).toMatch(/tidak disimpan/);
    // Labels, not keys.
    expect(textOf(detail)).toMatch(/Kanal: Telegram · Rute: Bawaslu/);
    expect(textOf(detail)).not.toMatch(/sp4n_lapor|bkn_sbt|Kanal: telegram/);
  });

  it('lists and filters reports for admins', async () => {
    const service = env.service();
    await fillReport(service, 'x1');
    const t1 = ticketOf(await service.handle(choice('x1', 'confirm:send')));
    await fillReport(service, 'x2', { identity: 'anon' });
    const t2 = ticketOf(await service.handle(choice('x2', 'confirm:send')));
    await service.admin(`/ubahstatus ${t2} ditolak Di luar kewenangan`);

    const all = textOf(await service.admin('/laporan'));
    expect(all).toContain(t1);
    expect(all).toContain(t2);
    expect(all).toContain('Diterima 1 · Diverifikasi 0 · Diteruskan 0 · Selesai 0 · Ditolak 1');
    const rejected = textOf(await service.admin('/laporan ditolak'));
    expect(rejected).toContain(t2);
    expect(rejected).not.toContain(t1);
    const accepted = textOf(await service.admin('/laporan diterima'));
    expect(accepted).toContain(t1);
    expect(accepted).not.toContain(t2);
    const detail = textOf(await service.admin(`/laporan ${t1}`));
    expect(detail).toContain('Siti Aminah'); // consented
    expect(detail).toMatch(/TANPA enkripsi/);
  });
});

describe('Reporting dialog: encryption at rest', () => {
  const KEY = 'kunci-rahasia-uji-32-karakter-xx';
  const NAME = 'Siti Zulaikha Rahmawati';
  const ADDRESS = 'Jl. Kenanga Harum No. 17';
  const CHAT = '6289876543210@c.us';

  function rawBytes(): string {
    const files = [env.dbPath, `${env.dbPath}-wal`].filter((f) => fs.existsSync(f));
    return Buffer.concat(files.map((f) => fs.readFileSync(f))).toString('latin1');
  }

  it('keeps the identity and chat id unreadable in the file but readable through the service', async () => {
    const service = env.service({ key: KEY });
    await fillReport(service, CHAT, { channel: 'whatsapp', identity: `${NAME}, ${ADDRESS}, 081298765432` });
    const ticket = ticketOf(await service.handle(choice(CHAT, 'confirm:send', { channel: 'whatsapp' })));
    env.db.close();

    const raw = rawBytes();
    expect(raw).toContain(ticket); // sanity: we are reading the right file
    expect(raw).toContain('Budi Santoso'); // report content itself is not encrypted
    expect(raw).not.toContain(NAME);
    expect(raw).not.toContain(ADDRESS);
    expect(raw).not.toContain('081298765432');
    expect(raw).not.toContain('6289876543210');

    env.db = (await import('../../src/storage/database.js')).openDatabase(env.dbPath);
    const withKey = env.service({ key: KEY });
    const detail = textOf(await withKey.admin(`/laporan ${ticket}`));
    expect(detail).toContain(NAME);
    expect(detail).toContain(ADDRESS);
    expect(detail).toMatch(/tersimpan terenkripsi/);
    expect(textOf(await withKey.status(msg(CHAT, '', { channel: 'whatsapp' }), ticket))).toContain('Status: Diterima');
    await withKey.admin(`/ubahstatus ${ticket} diteruskan`);
    expect(env.whatsapp.sent.at(-1)?.chatId).toBe(CHAT);

    const wrongKey = env.service({ key: 'kunci-lain-yang-berbeda-sama-sekali' });
    const locked = textOf(await wrongKey.admin(`/laporan ${ticket}`));
    expect(locked).not.toContain(NAME);
    expect(locked).toMatch(/tidak dapat dibuka/);
  });

  it('control: without a key the same identity is plainly in the file (so the check above can fail)', async () => {
    const service = env.service();
    await fillReport(service, CHAT, { channel: 'whatsapp', identity: `${NAME}, ${ADDRESS}, 081298765432` });
    await service.handle(choice(CHAT, 'confirm:send', { channel: 'whatsapp' }));
    env.db.close();
    expect(rawBytes()).toContain(NAME);
    expect(rawBytes()).toContain('6289876543210');
  });

  it('never leaves the identity of an unfinished or cancelled draft readable in the file', async () => {
    const service = env.service({ key: KEY });
    await fillTo(service, 'd1', 'evidence');
    await service.handle(choice('d1', 'evidence:skip'));
    await service.handle(msg('d1', `${NAME}, ${ADDRESS}`));
    env.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(rawBytes()).not.toContain(NAME);
    await service.handle(msg('d1', '/batal'));
    await service.handle(choice('d1', 'cancel:yes'));
    env.db.close();
    expect(rawBytes()).not.toContain(NAME);
  });
});

describe('Reporting: status values', () => {
  it('belong to reporting, and the database CHECK constraint lists the same ones', () => {
    expect([...REPORT_STATUSES]).toEqual([...REPORT_STATUS_VALUES]);
  });
});

/** Walks a chat to the start of `step` (evidence or chronology) with plain answers. */
async function fillTo(service: ReturnType<TestEnv['service']>, chat: string, step: 'chronology' | 'evidence'): Promise<void> {
  await service.start(msg(chat, '/lapor'));
  for (const m of [
    choice(chat, 'kind:medsos'),
    choice(chat, 'election:pemilu'),
    msg(chat, 'Budi Santoso'),
    choice(chat, 'skip'),
    choice(chat, 'skip'),
    choice(chat, 'skip'),
    msg(chat, 'kemarin'),
    choice(chat, 'known:same'),
    msg(chat, 'Kantor Dinas'),
  ]) {
    await service.handle(m);
  }
  if (step === 'evidence') {
    await service.handle(msg(chat, CHRONOLOGY));
    await service.handle(msg(chat, 'selesai'));
  }
}
