import { describe, expect, it } from 'vitest';
import { electionContextOn } from '../../src/reporting/election-context.js';
import { extractLinks, idNumber, looksLikeQuestion, parseReporterIdentity, plausibleName } from '../../src/reporting/report-fields.js';
import { decideRoute, describeRoute, type RoutingInput } from '../../src/reporting/report-routing.js';
import { generateTicket, normalizeTicket } from '../../src/reporting/ticket-code.js';
import { csvCell } from '../../src/reporting/report-export.js';
import { CALENDAR } from './helpers.js';

const TODAY = '2024-02-20';
const FULL_ID = { name: 'Siti', address: 'Jl. Melati 5, Bandung' };

function route(input: Omit<RoutingInput, 'stage' | 'kindId' | 'today'> & { kindId?: string; today?: string }) {
  return decideRoute({ kindId: 'medsos', today: TODAY, ...input, stage: electionContextOn(CALENDAR, input.incidentDate) });
}

describe('decideRoute: stage-aware', () => {
  it('during a running stage, with name and address: Bawaslu first, then BKN, SP4N-LAPOR!, inspektorat', () => {
    const d = route({ election: 'pemilu', incidentDate: '2024-02-19', reported: { name: 'Budi' }, identity: FULL_ID });
    expect(d.primary).toBe('bawaslu');
    expect(d.rule.id).toBe('tahapan_berjalan');
    expect(d.rule.explanation).toMatch(/Pemilu 2024.*sedang berjalan.*UU 8\/2015 Pasal 134 ayat \(1\)/);
    expect(d.options.map((o) => o.id)).toEqual(['bawaslu', 'bkn_sbt', 'sp4n_lapor', 'inspektorat']);
    expect(d.options[0]!.missing).toEqual([]);
    expect(d.deadline?.due).toBe('2024-02-28');
    const text = describeRoute(d);
    expect(text).toMatch(/^Mengapa: /m);
    expect(text).toMatch(/Netra membantu menyiapkan laporan, tetapi tidak menggantikan kanal resmi/);
  });

  it('counts the Bawaslu deadline from when the violation became known, not from the incident', () => {
    const late = route({ election: 'pemilu', incidentDate: '2024-02-01', reported: { name: 'Budi' }, identity: FULL_ID });
    expect(late.rule.id).toBe('batas_bawaslu_lewat');
    const known = route({ election: 'pemilu', incidentDate: '2024-02-01', knownDate: '2024-02-19', reported: { name: 'Budi' }, identity: FULL_ID });
    expect(known.rule.id).toBe('tahapan_berjalan');
    expect(known.deadline).toMatchObject({ from: '2024-02-19', due: '2024-02-28' });
  });

  it('an anonymous reporter during a stage: SP4N-LAPOR! first, Bawaslu next with what it still needs', () => {
    const d = route({ election: 'pemilu', incidentDate: '2024-02-19', reported: { name: 'Budi' }, identity: undefined });
    expect(d.primary).toBe('sp4n_lapor');
    expect(d.options.map((o) => o.id)).toEqual(['sp4n_lapor', 'bawaslu', 'bkn_sbt', 'inspektorat']);
    expect(d.options[1]!.missing).toEqual(['nama pelapor', 'alamat pelapor']);
    expect(d.options[0]!.reasons.join(' ')).toMatch(/anonim/);
  });

  it('a stage ran but the deadline passed: the ASN route, saying why', () => {
    const d = route({ election: 'pemilu', incidentDate: '2024-01-02', reported: { name: 'Budi', idNumber: '198001012005011001' }, identity: FULL_ID });
    expect(d.rule.id).toBe('batas_bawaslu_lewat');
    expect(d.options.map((o) => o.id)).toEqual(['bkn_sbt', 'sp4n_lapor', 'inspektorat']);
    expect(d.rule.explanation).toMatch(/sudah lewat/);
    expect(d.deadline?.state).toBe('past');
  });

  it('outside every stage (today, 2026-12-01): BKN (SBT) first, then SP4N-LAPOR!, then the inspektorat — never Bawaslu', () => {
    const d = route({ election: 'pemilu', incidentDate: '2026-11-28', today: '2026-12-01', reported: { name: 'Budi', agency: 'Dinas Pendidikan Kota Contoh' }, identity: FULL_ID });
    expect(d.rule.id).toBe('di_luar_tahapan');
    expect(d.rule.explanation).toMatch(/tidak ada tahapan Pemilu atau Pilkada yang berjalan pada Sabtu, 28 November 2026/);
    expect(d.options.map((o) => o.id)).toEqual(['bkn_sbt', 'sp4n_lapor', 'inspektorat']);
    expect(d.options[0]!.missing.join(' ')).toMatch(/NIP\/NIK/);
    expect(d.options[2]!.name).toContain('Dinas Pendidikan Kota Contoh');
    expect(d.deadline).toBeUndefined();
  });

  it('not about an election: the ASN route', () => {
    const d = route({ election: 'bukan_pemilihan', incidentDate: '2024-02-19', reported: { agency: 'Dinas X' }, identity: FULL_ID });
    expect(d.rule.id).toBe('bukan_pemilihan');
    expect(d.options.map((o) => o.id)).toEqual(['bkn_sbt', 'sp4n_lapor', 'inspektorat']);
    expect(d.deadline).toBeUndefined();
    expect(d.notes.join(' ')).toMatch(/Pejabat Pembina Kepegawaian/);
  });

  it('criminal matters in a running Pilkada mention Sentra Gakkumdu (UU 10/2016 Pasal 152)', () => {
    const criminal = route({ election: 'pilkada', kindId: 'keputusan_kebijakan', incidentDate: '2024-10-10', today: '2024-10-11', reported: { name: 'Budi' }, identity: FULL_ID });
    expect(criminal.primary).toBe('bawaslu');
    expect(criminal.notes.join(' ')).toMatch(/Gakkumdu.*UU 10\/2016 Pasal 152/);
    expect(criminal.options[0]!.reasons.join(' ')).toMatch(/UU 8\/2015 Pasal 134 ayat \(2\)/);
    const social = route({ election: 'pilkada', kindId: 'medsos', incidentDate: '2024-10-10', today: '2024-10-11', reported: { name: 'Budi' }, identity: FULL_ID });
    expect(social.notes.join(' ')).not.toMatch(/Gakkumdu/);
    const pemilu = route({ election: 'pemilu', kindId: 'keputusan_kebijakan', incidentDate: '2024-02-19', reported: { name: 'Budi' }, identity: FULL_ID });
    expect(pemilu.notes.join(' ')).not.toMatch(/Gakkumdu/);
  });

  it('an unsure reporter gets the deadline of the election the calendar says is running', () => {
    const d = route({ election: 'tidak_yakin', incidentDate: '2024-02-19', reported: { name: 'Budi' }, identity: FULL_ID });
    expect(d.deadline).toMatchObject({ unit: 'hari_kerja', due: '2024-02-28', assumed: false });
  });
});

describe('field parsing', () => {
  it('takes names with academic titles and refuses what is not a name', () => {
    expect(plausibleName('Drs. Budi Santoso, M.Si.')).toEqual({ ok: true, value: 'Drs. Budi Santoso, M.Si.' });
    expect(plausibleName('Ny. Siti')).toMatchObject({ ok: true });
    for (const junk of ['x', 'X.', '--', 'aaaa', '12', '?!']) expect(plausibleName(junk).ok, junk).toBe(false);
    expect(plausibleName('x'.repeat(201)).ok).toBe(false);
  });

  it('reads a NIP or NIK with spaces or a label, and nothing else', () => {
    expect(idNumber('NIP 19800101 200501 1 001')).toEqual({ ok: true, value: '198001012005011001' });
    expect(idNumber('3201.2345.6789.0123')).toEqual({ ok: true, value: '3201234567890123' });
    expect(idNumber('12345').ok).toBe(false);
  });

  it('tells a question from a description', () => {
    expect(looksLikeQuestion('Bagaimana cara melaporkannya?')).toBe(true);
    expect(looksLikeQuestion('apakah camat boleh ikut kampanye')).toBe(true);
    expect(looksLikeQuestion('Camat ikut kampanye calon bupati kemarin di lapangan.')).toBe(false);
  });

  it('reads an identity with an address that contains commas', () => {
    expect(parseReporterIdentity('Siti Aminah, Jl. Melati 5, RT 02/RW 03, Bandung, 0812-3456-7890')).toEqual({
      ok: true,
      value: { name: 'Siti Aminah', address: 'Jl. Melati 5, RT 02/RW 03, Bandung', contact: '0812-3456-7890' },
    });
    expect(parseReporterIdentity('Nama: Siti Aminah; Kontak: siti@contoh.id')).toEqual({
      ok: true,
      value: { name: 'Siti Aminah', address: undefined, contact: 'siti@contoh.id' },
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
