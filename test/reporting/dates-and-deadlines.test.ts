import { describe, expect, it } from 'vitest';
import { parseIncidentDate } from '../../src/reporting/incident-date.js';
import { addWorkingDays, computeDeadline, describeDeadline } from '../../src/reporting/report-deadline.js';
import { jakartaDate } from '../../src/knowledge/calendar-date.js';

const TODAY = '2024-02-20'; // a Tuesday

describe('parseIncidentDate', () => {
  it.each([
    ['12-02-2024', '2024-02-12'],
    ['12/02/2024', '2024-02-12'],
    ['1.2.2024', '2024-02-01'],
    ['2024-02-12', '2024-02-12'],
    ['12 Februari 2024', '2024-02-12'],
    ['Senin, 12 februari 2024', '2024-02-12'],
    ['tanggal 5 Jan 2024', '2024-01-05'],
    ['29 Februari', '2020-02-29'], // the last 29 February not after today
    ['hari ini', TODAY],
    ['Kemarin', '2024-02-19'],
    ['kemarin lusa', '2024-02-18'],
    ['3 hari lalu', '2024-02-17'],
    ['12 Februari', '2024-02-12'],
    ['25 Desember', '2023-12-25'], // no year: the latest such day not after today
  ])('reads %s', (input, expected) => {
    expect(parseIncidentDate(input, TODAY)).toEqual({ ok: true, date: expected });
  });

  it.each([
    ['31-02-2024', /31-02-2024 tidak ada di kalender/],
    ['30 Februari 2024', /tidak ada di kalender/],
    ['29-02-2023', /tidak ada di kalender/],
    ['12-13-2024', /tidak ada di kalender/],
    ['21-02-2024', /belum terjadi/],
    ['29 Februari 2024', /belum terjadi/],
    ['1 Maret 2024', /belum terjadi/],
    ['12-02-24', /tahun dengan 4 angka/],
    ['12-02-1024', /sebelum tahun 2000/],
    ['minggu lalu', /belum dapat saya baca/],
    ['', /belum dapat saya baca/],
  ])('refuses %s with a clear message', (input, message) => {
    const r = parseIncidentDate(input, TODAY);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('uses the Jakarta calendar day for "today"', () => {
    // 18:30 UTC on 19 Feb is already 20 Feb in WIB.
    expect(jakartaDate(new Date('2024-02-19T18:30:00Z'))).toBe('2024-02-20');
  });
});

describe('computeDeadline', () => {
  it('counts 7 working days (Mon–Fri) for Pemilu', () => {
    expect(addWorkingDays('2024-02-16', 7)).toBe('2024-02-27'); // Fri → Tue of the week after next
    const d = computeDeadline('pemilu', '2024-02-19', TODAY)!;
    expect(d).toMatchObject({ unit: 'hari_kerja', due: '2024-02-28', remaining: 6, state: 'ok', legalBasis: 'UU 7/2017 Pasal 454 ayat (6)' });
    expect(describeDeadline(d)).toMatch(/hari libur nasional tidak diperhitungkan/);
  });

  it('counts 7 calendar days for Pilkada and warns when near, on the day, and past', () => {
    expect(computeDeadline('pilkada', '2024-02-15', TODAY)).toMatchObject({ unit: 'hari', due: '2024-02-22', remaining: 2, state: 'near' });
    expect(computeDeadline('pilkada', '2024-02-13', TODAY)).toMatchObject({ due: '2024-02-20', remaining: 0, state: 'today' });
    const past = computeDeadline('pilkada', '2024-02-01', TODAY)!;
    expect(past).toMatchObject({ due: '2024-02-08', state: 'past', legalBasis: 'UU 8/2015 Pasal 134 ayat (4)' });
    expect(describeDeadline(past)).toMatch(/sudah lewat/);
    expect(describeDeadline(computeDeadline('pilkada', '2024-02-15', TODAY)!)).toMatch(/tinggal 2 hari lagi/);
  });

  it('counts remaining working days across a weekend for Pemilu', () => {
    // Incident Tue 13 Feb → due Thu 22 Feb; from Tue 20 Feb: Wed, Thu = 2 working days left.
    expect(computeDeadline('pemilu', '2024-02-13', TODAY)).toMatchObject({ due: '2024-02-22', remaining: 2, state: 'near' });
    expect(computeDeadline('pemilu', '2024-02-01', TODAY)).toMatchObject({ due: '2024-02-12', state: 'past' });
  });

  it('assumes the shorter deadline when unsure, and none when not election-related', () => {
    expect(computeDeadline('tidak_yakin', '2024-02-19', TODAY)).toMatchObject({ unit: 'hari', assumed: true, due: '2024-02-26' });
    expect(computeDeadline('bukan_pemilihan', '2024-02-19', TODAY)).toBeUndefined();
  });
});
