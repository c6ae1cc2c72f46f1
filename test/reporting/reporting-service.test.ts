import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReportingService } from '../../src/reporting/reporting-service.js';
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

describe('ReportingService: full flow', () => {
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
    expect(reply).toContain('Rabu, 28 Februari 2024'); // 19 Feb (Mon) + 7 working days
    expect(reply).toContain('tidak menggantikan kanal resmi');
    expect(reply).toContain('1. Nama dan alamat pelapor: Siti Aminah, Jl. Melati No. 5, Kota Contoh');
    expect(service.isInFlow('telegram', '98765432101')).toBe(false);

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
    expect(textOf(r)).toMatch(/Langkah 3 dari 9/);
    r = await service.handle(msg('5', 'Nama: Andi, Instansi: Kecamatan Sukamaju, NIP 198001012005011001'));
    expect(textOf(r)).toContain('NIP/NIK: 198001012005011001');
    r = await service.handle(msg('5', 'kemarin'));
    expect(textOf(r)).toContain('Senin, 19 Februari 2024');
    await service.handle(msg('5', 'Aula Kecamatan Sukamaju'));
    await service.handle(msg('5', CHRONOLOGY));
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
      reported_name: 'Andi',
      reported_agency: 'Kecamatan Sukamaju',
      reported_id_number: '198001012005011001',
      anonymous: 1,
      // Anonymous: SP4N-LAPOR! first, because Bawaslu needs name and address.
      route: 'sp4n_lapor',
      deadline: '2024-02-26', // 19 Feb + 7 calendar days (Pilkada)
    });
    expect(textOf(r)).toMatch(/Disarankan: SP4N-LAPOR!/);
    expect(textOf(r)).toContain('[isi nama dan alamat Anda');
    expect(count('reporter_identities')).toBe(0);
  });

  it('offers the text written before /lapor as the chronology', async () => {
    const service = env.service();
    const description = 'Kepala dinas mengunggah foto bersama calon dan mengajak pegawai memilihnya.';
    await service.start(msg('8', 'saya mau lapor'), { description });
    await service.handle(choice('8', 'kind:medsos'));
    await service.handle(choice('8', 'election:pemilu'));
    await service.handle(msg('8', 'Kepala Dinas X'));
    await service.handle(msg('8', 'hari ini'));
    const r = await service.handle(msg('8', 'Instagram dinas'));
    expect(choicesOf(r)).toContain('chronology:prefill');
    expect(textOf(r)).toContain(description);
    const next = await service.handle(choice('8', 'chronology:prefill'));
    expect(textOf(next)).toMatch(/Langkah 7 dari 9/);
  });
});

describe('ReportingService: logging', () => {
  it('logs events without report content, identities, phone numbers or chat ids', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const service = new ReportingService({
      db: env.db,
      evidenceDir: env.evidenceDir,
      maxEvidenceBytes: 1024 * 1024,
      notifiers: env.registry,
      adminTarget: { channel: 'telegram', chatId: ADMIN_CHAT },
      kinds: [{ id: 'medsos', label: 'Kampanye di media sosial' }],
      now: () => env.clock.now,
      logger,
    });
    const chat = '6281211112222@c.us';
    await fillReport(service, chat, { channel: 'whatsapp', attachments: [photo(jpeg('log'))] });
    const ticket = ticketOf(await service.handle(choice(chat, 'confirm:send', { channel: 'whatsapp' })));
    env.registry.unregister('whatsapp');
    await service.handleAdmin(msg(ADMIN_CHAT, `/ubahstatus ${ticket} ditolak Nama pelapor Siti tidak jelas`, { isAdmin: true }));
    const log = lines.join('');
    expect(log).toContain('report_submitted');
    expect(log).toContain('report_status_undelivered');
    for (const secret of ['Budi', 'Siti', 'Melati', '081234567890', '6281211112222', CHRONOLOGY.slice(0, 30), 'Ruang rapat', 'tidak jelas']) {
      expect(log).not.toContain(secret);
    }
  });
});

describe('ReportingService: drafts', () => {
  it('resumes at the same step after a restart (new service, new connection, same file)', async () => {
    const first = env.service();
    await first.start(msg('42', '/lapor'));
    await first.handle(choice('42', 'kind:atribut'));
    await first.handle(choice('42', 'election:pilkada'));
    await first.handle(msg('42', 'Rudi Hartono, Camat, Kecamatan Sukamaju'));

    env.restart();
    const second = env.service();
    expect(second.isInFlow('telegram', '42')).toBe(true);
    // /lapor again continues instead of starting over.
    const again = await second.start(msg('42', '/lapor'));
    expect(textOf(again)).toMatch(/belum selesai/);
    expect(textOf(again)).toMatch(/Langkah 4 dari 9/);
    await second.handle(msg('42', '2024-02-16'));
    await second.handle(msg('42', 'Kantor Kecamatan Sukamaju'));
    await second.handle(msg('42', CHRONOLOGY));
    await second.handle(choice('42', 'evidence:skip'));
    await second.handle(choice('42', 'identity:anon'));
    const confirm = await second.handle(msg('42', 'tidak dipakai'));
    expect(textOf(confirm)).toMatch(/Mohon pilih "Kirim", "Ubah", atau "Batal"/);
    expect(textOf(confirm)).toContain('Rudi Hartono — Camat — Kecamatan Sukamaju');
    expect(textOf(confirm)).toContain('Memakai atribut calon');
    const done = await second.handle(choice('42', 'confirm:send'));
    const row = env.db.prepare('SELECT kind_id, election, incident_date FROM reports WHERE ticket = ?').get(ticketOf(done));
    expect(row).toEqual({ kind_id: 'atribut', election: 'pilkada', incident_date: '2024-02-16' });
  });

  it('/batal deletes the draft and its evidence files at any step', async () => {
    const service = env.service();
    await service.start(msg('7', '/lapor'));
    for (const m of [choice('7', 'kind:medsos'), choice('7', 'election:pemilu'), msg('7', 'Budi'), msg('7', 'kemarin'), msg('7', 'Kantor'), msg('7', CHRONOLOGY)]) {
      await service.handle(m);
    }
    const r = await service.handle(msg('7', '', { attachments: [photo(jpeg('batal'))] }));
    expect(textOf(r)).toContain('Bukti diterima (1)');
    expect(fs.readdirSync(env.evidenceDir)).toHaveLength(1);

    const cancelled = await service.handle(msg('7', '/batal'));
    expect(textOf(cancelled)).toMatch(/dibatalkan/);
    expect(service.isInFlow('telegram', '7')).toBe(false);
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
    await service.handle(msg('9', 'Budi Santoso, Guru, SMPN 1 Contoh'));
    const back = await service.handle(msg('9', '/kembali'));
    expect(textOf(back)).toMatch(/Langkah 3 dari 9/);
    expect(textOf(back)).toContain('Jawaban sebelumnya: Budi Santoso — Guru — SMPN 1 Contoh');
    expect(choicesOf(back)).toContain('keep');
    const back2 = await service.handle(msg('9', '/kembali'));
    expect(textOf(back2)).toMatch(/Langkah 2 dari 9/);
    await service.handle(choice('9', 'keep'));
    const kept = await service.handle(choice('9', 'keep'));
    expect(textOf(kept)).toMatch(/Langkah 4 dari 9/);
  });

  it('re-asks on invalid dates and over-long text without losing earlier answers', async () => {
    const service = env.service();
    await service.start(msg('3', '/lapor'));
    await service.handle(choice('3', 'kind:medsos'));
    await service.handle(choice('3', 'election:pemilu'));
    await service.handle(msg('3', 'Budi Santoso, Kepala Seksi Umum, Dinas Pendidikan'));

    let r = await service.handle(msg('3', '31-02-2024'));
    expect(textOf(r)).toContain('Tanggal 31-02-2024 tidak ada di kalender');
    expect(textOf(r)).toMatch(/Langkah 4 dari 9/);
    r = await service.handle(msg('3', '21/02/2024'));
    expect(textOf(r)).toMatch(/belum terjadi/);
    expect(textOf(r)).toMatch(/Langkah 4 dari 9/);
    r = await service.handle(msg('3', 'besok sore'));
    expect(textOf(r)).toMatch(/belum dapat saya baca/);
    r = await service.handle(msg('3', '12 Februari 2024'));
    expect(textOf(r)).toMatch(/Langkah 5 dari 9/);
    // 12 Feb + 7 working days = 21 Feb; today is 20 Feb → one working day left.
    expect(textOf(r)).toMatch(/Waktunya tinggal 1 hari kerja lagi/);

    r = await service.handle(msg('3', 'x'));
    expect(textOf(r)).toMatch(/Tempat kejadian terlalu singkat/);
    await service.handle(msg('3', 'Kantor Dinas Pendidikan'));
    r = await service.handle(msg('3', 'a'.repeat(4001)));
    expect(textOf(r)).toContain('terlalu panjang (maksimal 4000 karakter)');
    expect(textOf(r)).toMatch(/Langkah 6 dari 9/);
    r = await service.handle(msg('3', 'terlalu pendek'));
    expect(textOf(r)).toMatch(/terlalu singkat \(minimal 20 karakter\)/);
    await service.handle(msg('3', CHRONOLOGY));
    await service.handle(choice('3', 'evidence:skip'));
    const confirm = await service.handle(choice('3', 'identity:anon'));
    const t = textOf(confirm);
    expect(t).toContain('Budi Santoso — Kepala Seksi Umum — Dinas Pendidikan');
    expect(t).toContain('Senin, 12 Februari 2024');
    expect(t).toContain('Kantor Dinas Pendidikan');
    expect(t).toContain(CHRONOLOGY);
  });

  it('"Ubah" from the summary edits one answer and returns to the summary', async () => {
    const service = env.service();
    await fillReport(service, '12');
    const menu = await service.handle(choice('12', 'confirm:edit'));
    expect(choicesOf(menu)).toContain('edit:place');
    const ask = await service.handle(choice('12', 'edit:place'));
    expect(textOf(ask)).toMatch(/Langkah 5 dari 9/);
    const back = await service.handle(msg('12', 'Lapangan Merdeka, Kota Contoh'));
    expect(textOf(back)).toMatch(/Konfirmasi/);
    expect(textOf(back)).toContain('Tempat: Lapangan Merdeka, Kota Contoh');
    const done = await service.handle(choice('12', 'confirm:send'));
    const row = env.db.prepare('SELECT place FROM reports WHERE ticket = ?').get(ticketOf(done));
    expect(row).toEqual({ place: 'Lapangan Merdeka, Kota Contoh' });
  });

  it('keeps two reporters apart when their messages interleave, even concurrently', async () => {
    const service = env.service();
    await Promise.all([service.start(msg('A', '/lapor')), service.start(msg('B', '/lapor'))]);
    await Promise.all([service.handle(choice('A', 'kind:medsos')), service.handle(choice('B', 'kind:atribut'))]);
    await service.handle(choice('B', 'election:pilkada'));
    await service.handle(choice('A', 'election:pemilu'));
    await Promise.all([service.handle(msg('A', 'Pegawai A, Staf, Dinas A')), service.handle(msg('B', 'Pegawai B, Lurah, Kelurahan B'))]);
    await service.handle(msg('A', '19-02-2024'));
    await service.handle(msg('B', '15-02-2024'));
    await Promise.all([service.handle(msg('B', 'Tempat B')), service.handle(msg('A', 'Tempat A'))]);
    await service.handle(msg('A', `A: ${CHRONOLOGY}`));
    await service.handle(msg('B', `B: ${CHRONOLOGY}`));
    // Two photos from A arriving at once (a Telegram album) must both be kept.
    await Promise.all([
      service.handle(msg('A', '', { attachments: [photo(jpeg('a1'))] })),
      service.handle(msg('A', '', { attachments: [photo(jpeg('a2'))] })),
      service.handle(choice('B', 'evidence:skip')),
    ]);
    await service.handle(choice('A', 'evidence:done'));
    await service.handle(choice('A', 'identity:anon'));
    await service.handle(choice('B', 'identity:anon'));
    const [doneA, doneB] = await Promise.all([service.handle(choice('A', 'confirm:send')), service.handle(choice('B', 'confirm:send'))]);
    const a = env.db.prepare('SELECT * FROM reports WHERE ticket = ?').get(ticketOf(doneA)) as Record<string, unknown>;
    const b = env.db.prepare('SELECT * FROM reports WHERE ticket = ?').get(ticketOf(doneB)) as Record<string, unknown>;
    expect(a).toMatchObject({ kind_id: 'medsos', election: 'pemilu', reported_name: 'Pegawai A', place: 'Tempat A', incident_date: '2024-02-19' });
    expect(b).toMatchObject({ kind_id: 'atribut', election: 'pilkada', reported_name: 'Pegawai B', place: 'Tempat B', incident_date: '2024-02-15' });
    expect(String(a.chronology).startsWith('A:')).toBe(true);
    expect(String(b.chronology).startsWith('B:')).toBe(true);
    expect((env.db.prepare('SELECT COUNT(*) AS n FROM evidence WHERE report_id = ?').get(a.id) as { n: number }).n).toBe(2);
    expect((env.db.prepare('SELECT COUNT(*) AS n FROM evidence WHERE report_id = ?').get(b.id) as { n: number }).n).toBe(0);
    expect(ticketOf(doneA)).not.toBe(ticketOf(doneB));
  });

  it('refuses an over-size file with a clear message and keeps nothing', async () => {
    const service = env.service({ maxEvidenceBytes: 2048 });
    await service.start(msg('4', '/lapor'));
    for (const m of [choice('4', 'kind:medsos'), choice('4', 'election:pemilu'), msg('4', 'Budi'), msg('4', 'kemarin'), msg('4', 'Kantor'), msg('4', CHRONOLOGY)]) {
      await service.handle(m);
    }
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
  });

  it('does not start in a group: it points to the private chat instead', async () => {
    const service = env.service();
    const r = await service.start(
      msg('-100999', '/lapor', { isPrivate: false, userId: '55', privateChatLink: 'https://t.me/NetraBot?start=lapor' }),
    );
    expect(textOf(r)).toContain('https://t.me/NetraBot?start=lapor');
    expect(textOf(r)).toMatch(/tidak diterima di grup/);
    expect(service.isInFlow('telegram', '-100999')).toBe(false);
    expect(count('report_drafts')).toBe(0);
    const noLink = await service.start(msg('-100999', '/lapor', { isPrivate: false }));
    expect(textOf(noLink)).toMatch(/chat pribadi/);
  });

  it('drops a draft left untouched for more than 7 days', async () => {
    const service = env.service();
    await service.start(msg('old', '/lapor'));
    env.clock.now = new Date(env.clock.now.getTime() + 8 * 24 * 3600_000);
    expect(service.isInFlow('telegram', 'old')).toBe(false);
    await expect.poll(() => count('report_drafts')).toBe(0); // deleted in the background
  });
});

describe('ReportingService: status and admin', () => {
  it('a status change is stored with its note and reaches the reporter on their channel', async () => {
    const service = env.service();
    await fillReport(service, '6281234567890@c.us', { channel: 'whatsapp', identity: 'anon' });
    const done = await service.handle(choice('6281234567890@c.us', 'confirm:send', { channel: 'whatsapp' }));
    const ticket = ticketOf(done);

    expect(await service.handleAdmin(msg(ADMIN_CHAT, `/ubahstatus ${ticket} diverifikasi`, { isAdmin: false }))).toBeNull();
    expect(await service.handleAdmin(msg(ADMIN_CHAT, 'halo', { isAdmin: true }))).toBeNull();

    env.clock.now = new Date('2024-02-21T02:00:00Z');
    const reply = await service.handleAdmin(
      msg(ADMIN_CHAT, `/ubahstatus ${ticket.toLowerCase()} diverifikasi Bukti sudah dicek, akan diteruskan ke Bawaslu`, { isAdmin: true }),
    );
    expect(textOf(reply!)).toMatch(/Diterima → Diverifikasi/);
    expect(textOf(reply!)).toMatch(/Pelapor sudah diberi tahu melalui whatsapp/);
    expect(env.whatsapp.sent).toEqual([
      expect.objectContaining({ chatId: '6281234567890@c.us', text: expect.stringContaining('Diverifikasi') }),
    ]);
    expect(env.whatsapp.sent[0]!.text).toContain('Catatan admin: Bukti sudah dicek, akan diteruskan ke Bawaslu');

    const history = env.db.prepare('SELECT status, note, at FROM report_status_history ORDER BY id').all();
    expect(history).toEqual([
      { status: 'diterima', note: null, at: '2024-02-20T03:00:00.000Z' },
      { status: 'diverifikasi', note: 'Bukti sudah dicek, akan diteruskan ke Bawaslu', at: '2024-02-21T02:00:00.000Z' },
    ]);

    const status = textOf(service.status(msg('6281234567890@c.us', '', { channel: 'whatsapp' }), ticket));
    expect(status).toContain('Status: Diverifikasi');
    expect(status).toContain('Bukti sudah dicek');

    // With the channel not running, the change is still stored and the admin is told.
    env.registry.unregister('whatsapp');
    const undelivered = await service.handleAdmin(msg(ADMIN_CHAT, `/ubahstatus ${ticket} selesai`, { isAdmin: true }));
    expect(textOf(undelivered!)).toMatch(/belum dapat diberi tahu/);
    expect(env.db.prepare('SELECT status FROM reports').get()).toEqual({ status: 'selesai' });

    const bad = await service.handleAdmin(msg(ADMIN_CHAT, `/ubahstatus ${ticket} dibuang`, { isAdmin: true }));
    expect(textOf(bad!)).toMatch(/Status "dibuang" tidak dikenal/);
  });

  it('a stranger asking /status learns nothing, not even that the ticket exists', async () => {
    const service = env.service();
    await fillReport(service, 'owner');
    const ticket = ticketOf(await service.handle(choice('owner', 'confirm:send')));
    const fake = ticket === 'NTR-2222-2222' ? 'NTR-3333-3333' : 'NTR-2222-2222';

    const stranger = textOf(service.status(msg('stranger', `/status ${ticket}`), ticket));
    const missing = textOf(service.status(msg('stranger', `/status ${fake}`), fake));
    expect(stranger).toBe(missing.replace(fake, ticket));
    expect(stranger).not.toMatch(/Diterima|Kampanye|Budi/);
    // Same chat id on another channel is another person.
    const otherChannel = textOf(service.status(msg('owner', '', { channel: 'whatsapp' }), ticket));
    expect(otherChannel).toBe(stranger);
    // A group the owner is in is not the owner's chat either.
    expect(textOf(service.status(msg('-100', '', { userId: 'owner', isPrivate: false }), ticket))).toBe(stranger);

    const owner = textOf(service.status(msg('owner', ''), ticket.replace(/-/g, '').toLowerCase()));
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

    const detail = await service.handleAdmin(msg(ADMIN_CHAT, `/laporan ${ticket}`, { isAdmin: true }));
    expect(textOf(detail!)).not.toContain('Siti');
    expect(textOf(detail!)).toMatch(/tidak disimpan/);
  });

  it('lists and filters reports for admins', async () => {
    const service = env.service();
    await fillReport(service, 'x1');
    const t1 = ticketOf(await service.handle(choice('x1', 'confirm:send')));
    await fillReport(service, 'x2', { identity: 'anon' });
    const t2 = ticketOf(await service.handle(choice('x2', 'confirm:send')));
    await service.handleAdmin(msg(ADMIN_CHAT, `/ubahstatus ${t2} ditolak Di luar kewenangan`, { isAdmin: true }));

    const all = textOf((await service.handleAdmin(msg(ADMIN_CHAT, '/laporan', { isAdmin: true })))!);
    expect(all).toContain(t1);
    expect(all).toContain(t2);
    expect(all).toContain('Diterima 1 · Diverifikasi 0 · Diteruskan 0 · Selesai 0 · Ditolak 1');
    const rejected = textOf((await service.handleAdmin(msg(ADMIN_CHAT, '/laporan ditolak', { isAdmin: true })))!);
    expect(rejected).toContain(t2);
    expect(rejected).not.toContain(t1);
    const accepted = textOf((await service.handleAdmin(msg(ADMIN_CHAT, '/laporan diterima', { isAdmin: true })))!);
    expect(accepted).toContain(t1);
    expect(accepted).not.toContain(t2);
    const detail = textOf((await service.handleAdmin(msg(ADMIN_CHAT, `/laporan ${t1}`, { isAdmin: true })))!);
    expect(detail).toContain('Siti Aminah'); // consented
    expect(detail).toMatch(/TANPA enkripsi/);
  });
});

describe('ReportingService: encryption at rest', () => {
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
    const detail = textOf((await withKey.handleAdmin(msg(ADMIN_CHAT, `/laporan ${ticket}`, { isAdmin: true })))!);
    expect(detail).toContain(NAME);
    expect(detail).toContain(ADDRESS);
    expect(detail).toMatch(/tersimpan terenkripsi/);
    expect(textOf(withKey.status(msg(CHAT, '', { channel: 'whatsapp' }), ticket))).toContain('Status: Diterima');
    await withKey.handleAdmin(msg(ADMIN_CHAT, `/ubahstatus ${ticket} diteruskan`, { isAdmin: true }));
    expect(env.whatsapp.sent.at(-1)?.chatId).toBe(CHAT);

    const wrongKey = env.service({ key: 'kunci-lain-yang-berbeda-sama-sekali' });
    const locked = textOf((await wrongKey.handleAdmin(msg(ADMIN_CHAT, `/laporan ${ticket}`, { isAdmin: true })))!);
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
    await service.start(msg('d1', '/lapor'));
    for (const m of [choice('d1', 'kind:medsos'), choice('d1', 'election:pemilu'), msg('d1', 'Budi'), msg('d1', 'kemarin'), msg('d1', 'Kantor'), msg('d1', CHRONOLOGY), choice('d1', 'evidence:skip')]) {
      await service.handle(m);
    }
    await service.handle(msg('d1', `${NAME}, ${ADDRESS}`));
    env.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(rawBytes()).not.toContain(NAME);
    await service.handle(msg('d1', '/batal'));
    env.db.close();
    expect(rawBytes()).not.toContain(NAME);
  });
});
