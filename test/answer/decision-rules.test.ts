import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/answer/answer-contract.js';
import { RULES } from '../../src/answer/decision/rules.js';
import type { Turn } from '../../src/answer/pipeline.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

// Each rule of the decision table, through the real pipeline and the shipped knowledge: the rule
// that decided is part of every result, so a wrong answer can be traced to its rule. Questions are
// written for these tests (not lines of an eval set).
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const ask = (q: string, history: Turn[] = []) => t.app.pipeline.ask(q, history);

const CASES: [rule: string, question: string, verdict: Verdict][] = [
  ['empty', '   ', 'di_luar_topik'],
  ['greeting', 'halo min', 'di_luar_topik'],
  ['thanks', 'makasih ya', 'di_luar_topik'],
  ['no-recommendation', 'menurut kamu capres mana yg paling layak dipilih?', 'di_luar_topik'],
  ['article-text', 'tolong kutip bunyi pasal 282 uu pemilu', 'informasi'],
  ['off-topic', 'syarat naik pangkat reguler III/c ke III/d apa aja?', 'di_luar_topik'],
  ['today', 'skrg udh masuk masa kampanye blm sih?', 'informasi'],
  ['news', 'kata ketua bawaslu gorontalo, ASN gorontalo peringkat berapa soal ketidaknetralan?', 'informasi'],
  ['report-channels', 'kalau mau lapor ASN yg gk netral ke mana ya?', 'informasi'],
  ['sanction', 'sanksinya apa kalau PNS ketahuan jadi timses caleg?', 'informasi'],
  ['card', 'sy PNS, boleh gk jadi tim sukses caleg DPRD?', 'dilarang'],
  ['card:exception', 'sy PNS foto bareng bakal calon bupati, gk pose, fotonya gk sy upload kemana2. aman?', 'boleh'],
  ['card:ask-back', 'sy PNS foto bareng caleg di pasar, boleh gk?', 'boleh_bersyarat'],
  ['card', 'anak sy mahasiswa, bukan ASN, mau jadi relawan capres. sy PNS, apa dia boleh?', 'boleh'],
  ['not-bound', 'sy pensiunan PNS, SK pensiun sudah terbit tahun lalu. boleh jadi saksi partai di TPS?', 'boleh'],
  ['card', 'pas kampanye nanti sy cuma mau nonton dari jauh, tp berangkatnya pake mobil dinas kantor. sy PNS, aman?', 'dilarang'],
  ['off-topic', 'cara daftar jadi penerima bansos PKH buat ortu gmn ya?', 'di_luar_topik'],
  ['incident-to-report', 'kemarin kadis kami bagi2 sembako bergambar caleg ke warga pakai mobil dinas. lapornya kemana?', 'dilarang'],
  // Told of someone who did it, "what is the sanction?" is still a sanction question: information.
  ['sanction', 'rekan sy PPPK ketahuan jd pengurus partai di kabupaten. hukumannya apa buat PPPK?', 'informasi'],
  // … unless the user also asks whether to report it: then the verdict on the act and the channels.
  ['incident-to-report', 'atasan sy PNS pasang stiker caleg di mobil dinas. sy wajib lapor gk? bisa dipecat dia?', 'dilarang'],
  // A citizen who is not ASN may campaign or run; involving civil servants in it is not allowed.
  ['card', 'sy karyawan swasta, suami sy guru PNS. sy sendiri boleh gk ikut jd relawan caleg?', 'boleh'],
  ['card:exception', 'sy wiraswasta mau nyalon bupati, boleh gk ngajak para camat PNS jd tim pemenangan?', 'dilarang'],
  // Village heads and officials are not ASN, but the election law bars them from campaign teams.
  ['card', 'sy kaur di kantor desa, bukan PNS. boleh jd timses cabup?', 'dilarang'],
  // "Di luar jam kerja" about selling online is not an election question.
  ['off-topic', 'sy PNS boleh gk buka usaha katering di luar jam kerja?', 'di_luar_topik'],
  // An official KPU post shared into an RT group is allowed; an appeal to vote posted there is not.
  ['card', 'sy ASN, poster KPU soal cek DPT online sy share ke grup RT, aman kan?', 'boleh'],
  ['card', 'sy PNS kirim di grup RT: "jgn lupa coblos no 2 ya bapak ibu". kan grup warga, aman?', 'dilarang'],
  // Preparing a crowd through subordinates for a would-be candidate is mobilising.
  ['card', 'sy camat, diminta nyiapin massa buat nyambut bakal cagub, sy suruh tiap lurah bawa 50 warga. wajar kan?', 'dilarang'],
  // Independent academic research on electability is not working for a candidate; doing it for a candidate's team is.
  ['card:exception', 'sy dosen PNS, tim peneliti prodi kami mau publikasi survei elektabilitas bakal cagub di jurnal ilmiah, dana hibah penelitian kampus. boleh?', 'boleh_bersyarat'],
  ['card', 'sy dosen PNS diminta bikin survei elektabilitas buat timses bakal cagub, dibayar. boleh?', 'dilarang'],
  // "yg no 2": a number label, not a negation of the favour that follows.
  ['card', 'sy camat. paslon yg no 2 sy acc cepet pinjam aula, paslon lain sy tolak. itu masalah gk?', 'dilarang'],
];

describe('the decision table', () => {
  it('names each rule once, and every rule says what it is for', () => {
    const names = RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of RULES) expect(r.why.length).toBeGreaterThan(20);
    // The last rule always decides, so no question goes unanswered.
    expect(RULES.at(-1)!.name).toBe('passages');
  });

  it.each(CASES)('%s: %s', async (rule, question, verdict) => {
    const r = await ask(question);
    expect(r.rule).toBe(rule);
    expect(r.answer.verdict).toBe(verdict);
  });

  it('an exception taken states its conditions or limits, and an ask-back offers the deciding replies', async () => {
    const branches = await ask('sy PNS foto bareng caleg di pasar, boleh gk?');
    expect(branches.answer.answer).toMatch(/bergantung/);
    expect(branches.answer.followUps?.slice(0, 2)).toEqual(['Fotonya tidak saya unggah, hanya disimpan', 'Fotonya saya unggah ke media sosial']);
    // Pressing the reply resolves the branch through the conversation memory.
    const resolved = await ask('Fotonya tidak saya unggah, hanya disimpan', [branches.turn]);
    expect(resolved.rule).toBe('card:exception');
    expect(resolved.answer.verdict).toBe('boleh');
    const posted = await ask('Fotonya saya unggah ke media sosial', [branches.turn]);
    expect(posted.answer.verdict).toBe('dilarang');
  });

  it('a permissive card never answers a question that also names a prohibited target', async () => {
    // Liking an official KPU post is allowed; a post that is also a candidate's is not.
    const kpu = await ask('sy PNS ngelike postingan akun resmi KPU soal jadwal coblosan, boleh?');
    expect(kpu.answer.verdict).toBe('boleh');
    const caleg = await ask('sy PNS ngelike postingan akun tim pemenangan caleg, boleh?');
    expect(caleg.answer.verdict).toBe('dilarang');
  });

  it('consequences follow the status of whoever acts', async () => {
    const pppk = await ask('sy PPPK, apa sanksinya kalau jadi anggota partai?');
    expect(pppk.answer.answer).toMatch(/PPPK/);
    expect(pppk.answer.citations.some((c) => c.sourceId === 'pp-49-2018')).toBe(true);
    const honorer = await ask('sy honorer (non ASN) di kecamatan, boleh jadi timses caleg?');
    expect(honorer.answer.verdict).toBe('dilarang');
    expect(honorer.answer.citations.some((c) => c.sourceId === 'se-menpanrb-1-2023')).toBe(true);
  });

  it('an order from a superior does not excuse the act, and the answer says how to refuse and report', async () => {
    const r = await ask('kabid sy nyuruh semua staf datang ke deklarasi bakal calon walikota pakai kaos partai, yg gk datang dimutasi. sy hrs gmn?');
    expect(r.answer.verdict).toBe('dilarang');
    expect(r.answer.escalate).toBe(true);
    expect(r.answer.answer).toMatch(/atasan/i);
  });
});
