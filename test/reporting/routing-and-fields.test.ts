import { describe, expect, it } from 'vitest';
import { extractLinks, parseReportedParty, parseReporterIdentity } from '../../src/reporting/report-fields.js';
import { decideRoute, describeRoute } from '../../src/reporting/report-routing.js';
import { generateTicket, normalizeTicket } from '../../src/reporting/ticket-code.js';
import { csvCell } from '../../src/reporting/report-export.js';

const TODAY = '2024-02-20';
const FULL_ID = { name: 'Siti', address: 'Jl. Melati 5, Bandung' };

describe('decideRoute', () => {
  it('sends an election case with name and address to Bawaslu first', () => {
    const d = decideRoute({ election: 'pemilu', incidentDate: '2024-02-19', reported: { name: 'Budi' }, identity: FULL_ID, today: TODAY });
    expect(d.primary).toBe('bawaslu');
    expect(d.options.map((o) => o.id)).toEqual(['bawaslu', 'sp4n_lapor']);
    expect(d.options[0]!.missing).toEqual([]);
    expect(d.deadline?.due).toBe('2024-02-28');
    expect(describeRoute(d)).toMatch(/Netra membantu menyiapkan laporan, tetapi tidak menggantikan kanal resmi/);
  });

  it('sends an anonymous election report to SP4N-LAPOR!, keeping Bawaslu as an alternative that needs name and address', () => {
    const d = decideRoute({ election: 'pilkada', incidentDate: '2024-02-19', reported: { name: 'Budi' }, identity: undefined, today: TODAY });
    expect(d.primary).toBe('sp4n_lapor');
    const bawaslu = d.options.find((o) => o.id === 'bawaslu')!;
    expect(bawaslu.missing).toEqual(['nama pelapor', 'alamat pelapor']);
    expect(d.options[0]!.reasons.join(' ')).toMatch(/anonim/);
  });

  it('uses BKN SBT when the NIP is known and the Bawaslu deadline has passed', () => {
    const d = decideRoute({
      election: 'pemilu',
      incidentDate: '2024-01-02',
      reported: { name: 'Budi', idNumber: '198001012005011001' },
      identity: FULL_ID,
      today: TODAY,
    });
    expect(d.primary).toBe('bkn_sbt');
    expect(d.options.map((o) => o.id)).toEqual(['bkn_sbt', 'bawaslu']);
    expect(d.options[1]!.reasons.join(' ')).toMatch(/sudah lewat/);
    expect(d.deadline?.state).toBe('past');
  });

  it('keeps Bawaslu out of a case not related to an election', () => {
    const d = decideRoute({ election: 'bukan_pemilihan', incidentDate: '2024-02-19', reported: { agency: 'Dinas X' }, identity: FULL_ID, today: TODAY });
    expect(d.primary).toBe('sp4n_lapor');
    expect(d.options.map((o) => o.id)).toEqual(['sp4n_lapor']);
    expect(d.deadline).toBeUndefined();
    expect(d.notes.join(' ')).toMatch(/Pejabat Pembina Kepegawaian/);
  });
});

describe('field parsing', () => {
  it('reads the reported party positionally or with labels, picking out a NIP', () => {
    expect(parseReportedParty('Budi Santoso, Kepala Seksi, Dinas Pendidikan, Kab. Contoh')).toEqual({
      ok: true,
      value: { name: 'Budi Santoso', position: 'Kepala Seksi', agency: 'Dinas Pendidikan, Kab. Contoh', idNumber: undefined },
    });
    expect(parseReportedParty('Jabatan: Camat\nInstansi: Kecamatan Sukamaju')).toMatchObject({
      ok: true,
      value: { name: undefined, position: 'Camat', agency: 'Kecamatan Sukamaju' },
    });
    expect(parseReportedParty('tidak tahu, Lurah, Kelurahan Mekar 3201234567890123')).toMatchObject({
      ok: true,
      value: { name: undefined, position: 'Lurah', agency: 'Kelurahan Mekar', idNumber: '3201234567890123' },
    });
    const none = parseReportedParty('-, -, -');
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.message).toMatch(/minimal salah satu/);
    const long = parseReportedParty('x'.repeat(201));
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.message).toMatch(/Nama terlapor terlalu panjang \(maksimal 200 karakter\)/);
  });

  it('reads an identity with an address that contains commas', () => {
    expect(parseReporterIdentity('Siti Aminah, Jl. Melati 5, RT 02/RW 03, Bandung, 0812-3456-7890')).toEqual({
      ok: true,
      value: { name: 'Siti Aminah', address: 'Jl. Melati 5, RT 02/RW 03, Bandung', contact: '0812-3456-7890' },
    });
    expect(parseReporterIdentity('Nama: Siti; Kontak: siti@contoh.id')).toEqual({
      ok: true,
      value: { name: 'Siti', address: undefined, contact: 'siti@contoh.id' },
    });
  });

  it('extracts links without trailing punctuation', () => {
    expect(extractLinks('lihat https://x.com/a/status/1, dan (https://fb.com/p?id=2).')).toEqual([
      'https://x.com/a/status/1',
      'https://fb.com/p?id=2',
    ]);
  });
});

describe('tickets', () => {
  it('uses the NTR-XXXX-XXXX format with an unambiguous alphabet, random each time', () => {
    const tickets = new Set(Array.from({ length: 2000 }, () => generateTicket()));
    expect(tickets.size).toBe(2000);
    for (const t of tickets) expect(t).toMatch(/^NTR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(generateTicket(() => Buffer.alloc(8, 0))).toBe('NTR-0000-0000');
  });

  it('normalises what people type', () => {
    expect(normalizeTicket(' ntr-ab12-cd34 ')).toBe('NTR-AB12-CD34');
    expect(normalizeTicket('NTR AB12 CD34')).toBe('NTR-AB12-CD34');
    expect(normalizeTicket('ab12cd34')).toBe('NTR-AB12-CD34');
    expect(normalizeTicket('NTR-OB1L-CD34')).toBe('NTR-0B11-CD34');
    expect(normalizeTicket('NTR-AB12-CD3U')).toBeUndefined();
    expect(normalizeTicket('NTR-AB12')).toBeUndefined();
  });
});

describe('csvCell', () => {
  it('quotes separators, quotes and line breaks, and neutralises formulas', () => {
    expect(csvCell('biasa')).toBe('biasa');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('kata "kutip"')).toBe('"kata ""kutip"""');
    expect(csvCell('baris\nbaru')).toBe('"baris\nbaru"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell(undefined)).toBe('');
  });
});
