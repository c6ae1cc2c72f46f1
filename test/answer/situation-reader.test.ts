import { beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { loadKnowledge } from '../../src/knowledge/load-knowledge.js';
import { readSituation } from '../../src/answer/situation/read-situation.js';
import type { Situation } from '../../src/answer/situation/situation.js';

// The reader is data-driven (knowledge/lexicon): these cases read the shipped lexicon. The
// phrasings are written for these tests, in the way ASN type; none is a line of an eval set.
let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledge('knowledge');
});

const read = (q: string, previous?: Situation) => readSituation(q, kb, previous);
const acts = (s: Situation) => s.acts.map((a) => a.id);

describe('the actor and their status', () => {
  it.each([
    ['sy PPPK guru, blh gk ikut kampanye caleg?', 'self', 'pppk'],
    ['aku CPNS baru, boleh like postingan paslon?', 'self', 'cpns'],
    ['sy pensiunan guru PNS, TMT pensiun tahun lalu. blh jd jurkam?', 'self', 'retired'],
    ['saya honorer di kecamatan (non ASN), boleh jadi timses?', 'self', 'non_asn_staff'],
    ['PPPK tapi bukan PNS, apa aturan netralitas berlaku?', 'generic', 'pppk'],
  ])('%s → %s / %s', (q, who, status) => {
    const s = read(q);
    expect(s.actor.who).toBe(who);
    expect(s.actor.status?.id).toBe(status);
  });

  it('a non-ASN spouse who joins a team is the actor, with the user as a PPPK asker', () => {
    const s = read('istri sy ibu rumah tangga, bukan ASN, diajak jadi tim kampanye caleg. sy sendiri PPPK. dia boleh ikut gk?');
    expect(s.actor.who).toBe('other');
    expect(s.actor.person).toBe('spouse');
    expect(s.actor.status?.id).toBe('not_asn');
    expect(s.asker.status?.id).toBe('pppk');
    expect(acts(s)).toContain('campaign_team');
  });

  it('the office someone runs for is not their status ("calon bupati")', () => {
    const s = read('sy PNS, boleh gk ikut foto bareng bakal calon bupati?');
    expect(s.actor.status?.id).toBe('pns');
  });

  it('"teman kuliah saya nyaleg": the friend runs, the user only comments', () => {
    const s = read('teman kuliah sy maju caleg DPRD, sy PPPK cuma komen "semangat" di IG nya. aman?');
    expect(s.actor.who).toBe('self');
    expect(acts(s)).toContain('comment');
    expect(acts(s)).not.toContain('run_for_office');
  });

  it('"istri saya, saya PNS": a comma ends the possessive', () => {
    const s = read('yang nyaleg istri, saya PNS mau bantu bikin materi kampanye, boleh?');
    expect(s.actor.who).toBe('self');
    expect(s.actor.status?.id).toBe('pns');
  });

  it('telling others which number to vote is an appeal, not the user\'s own vote', () => {
    const s = read('sy share di grup RT "yuk coblos nomor 1 semuanya" boleh gk sy PNS');
    expect(acts(s)).toContain('invite_others');
  });

  it('a permission to report stays the act even when the user fears being seen as partisan', () => {
    const s = read('lurah sebelah bagi2 sembako sambil ngajak warga milih caleg. sy takut dianggap gk netral kalo lapor. PNS boleh jadi pelapor?');
    expect(s.actor.who).toBe('self');
    expect(acts(s)).toEqual(['report_violation']);
  });

  it('a retirement told of a parent is not the actor\'s ("bapak saya pensiunan … saya PNS")', () => {
    const s = read('ibu sy pensiunan guru, mau nyaleg DPRD 2029. sy anak bungsu, PNS di dinkes. blh gk sy bantu bikin materi kampanyenya?');
    expect(s.actor.who).toBe('self');
    expect(s.actor.status?.id).toBe('pns');
    expect(s.circumstances.retired_effective).toBeUndefined();
  });

  it('an office in a party branch is party membership, and a work report is not a report of a violation', () => {
    const s = read('sy PPPK, disuruh jd bendahara ranting partai di kampung krn rapi bikin laporan keuangan. blh?');
    expect(acts(s)).toContain('join_party');
    expect(acts(s)).not.toContain('report_violation');
  });

  it('act words with nothing about elections are off topic ("bagi sembako" of a social programme, savings)', () => {
    expect(read('gmn cara daftar jd penerima bansos sembako di kelurahan?').speech.act).toBe('off_topic');
    expect(read('mau nanya di luar politik: cara urus kenaikan pangkat pilihan gmn?').speech.act).toBe('off_topic');
    expect(read('sy mau share resep rendang di grup kantor boleh?').speech.act).toBe('off_topic');
  });

  it('a target is not read across a comma ("suami saya guru, saya nyaleg": the user runs, the husband acts)', () => {
    const s = read('suami sy guru PPPK, sy nyaleg DPRD kab. dia blh gk jd jurkam di kampanye sy?');
    expect(s.actor.who).toBe('other');
    expect(s.actor.person).toBe('spouse');
    expect(s.actor.status?.id).toBe('pppk');
  });

  it('after a sanction question, a follow-up naming a new act asks whether that act is allowed', () => {
    const first = read('sy PNS, kalau share konten paslon di FB sanksinya apa?');
    expect(first.speech.act).toBe('sanction');
    const next = read('kalau cuma ngelike aja?', first);
    expect(next.speech.act).toBe('conduct');
    expect(next.acts.map((a) => a.id)).toContain('like');
    expect(read('sy PPPK', first).speech.act).toBe('sanction');
  });

  it('a greeting at the start is not a person in the story ("pak, sy …")', () => {
    const s = read('pak, sy PNS mau pasang baliho caleg di rumah sendiri, boleh?');
    expect(s.actor.who).toBe('self');
    expect(acts(s)).toContain('install_banner');
  });
});

describe('acts, negation and targets', () => {
  it('an act said not to be done is negated, and the run of acts after "tidak" too', () => {
    const s = read('sy cuma baca2 aja di grup, gk pernah komen, like, atau share konten calon');
    expect(s.negatedActs.map((a) => a.id)).toEqual(expect.arrayContaining(['comment', 'like', 'share']));
    expect(acts(s)).not.toContain('like');
    expect(s.circumstances.passive?.value).toBe(true);
  });

  it('"tidak boleh" is a prohibition stated, not the act negated', () => {
    const s = read('katanya PNS tidak boleh jadi pengurus masjid, bener gk?');
    expect(acts(s)).toContain('org_board');
  });

  it('"tanpa pose" states a circumstance; the photo is still the act', () => {
    const s = read('foto sama caleg tanpa pose jari trus gk sy upload, aman?');
    expect(acts(s)).toContain('photo_with');
    expect(s.circumstances.gesture?.value).toBe(false);
    expect(s.circumstances.posted?.value).toBe(false);
  });

  it('"ASN harus netral" does not make a prohibited act neutral toward all candidates', () => {
    const s = read('ASN kan harus netral ya, tapi bolehkah PNS jadi tim sukses caleg?');
    expect(acts(s)).toContain('campaign_team');
    expect(s.circumstances.neutral_all).toBeUndefined();
    expect(s.targets.map((t) => t.id)).not.toContain('all_candidates');
  });

  it('an official KPU account is an election body, not a candidate', () => {
    const s = read('boleh gk sy like postingan akun resmi KPU soal jadwal coblosan?');
    expect(acts(s)).toContain('like');
    expect(s.targets.map((t) => t.id)).toContain('election_body');
    expect(s.targets.map((t) => t.id)).not.toContain('candidate');
  });

  it('what the candidate does at an event is context, not the user’s act', () => {
    const s = read('sy PNS mau syukuran di rumah, om sy yg nyaleg mau dtg kasih sambutan & bagi2 kalender. boleh?');
    expect(acts(s)).not.toContain('speak_at_event');
    expect(s.candidateActs.map((a) => a.id)).toEqual(expect.arrayContaining(['speak_at_event', 'distribute_goods']));
  });

  it('a relative who runs is a candidate too', () => {
    const s = read('ipar sy nyaleg, sy diminta pasang spanduknya di pagar rumah');
    expect(s.targets.map((t) => t.id)).toEqual(expect.arrayContaining(['family_candidate', 'candidate']));
  });
});

describe('what is asked, and whether to offer a report', () => {
  it('the user’s own plan does not escalate', () => {
    const s = read('sy mau bikin konten buat suami yg nyaleg, blh?');
    expect(s.incident).toBe(false);
    expect(s.wantsToReport).toBe(false);
  });

  it('an act a known official did is an incident', () => {
    const s = read('kemarin kadis kami bagi2 sembako bergambar caleg ke warga pakai mobil dinas');
    expect(s.incident).toBe(true);
    expect(s.actor.who).toBe('other');
  });

  it('a rule question about officials is not an incident', () => {
    const s = read('apakah camat boleh ikut kampanye kalau lagi cuti?');
    expect(s.incident).toBe(false);
  });

  it('asking where to report is a report question even without an act', () => {
    expect(read('kalau mau lapor ASN yg gk netral ke mana ya?').speech.act).toBe('report_how');
  });

  it.each([
    ['sanksinya apa kalau PNS ketahuan jadi timses?', 'sanction'],
    ['apa saya bakal kena sanksi kalau suami saya jadi timses?', 'conduct'],
    ['sekarang udah masa kampanye blm sih?', 'date_stage'],
    ['kapan pemilu berikutnya?', 'date_stage'],
    ['tolong kutip bunyi pasal 280 uu pemilu', 'article_text'],
    ['naik pangkat reguler syaratnya apa?', 'off_topic'],
    ['menurut kamu capres mana yg paling layak?', 'recommendation'],
  ])('%s → %s', (q, act) => {
    expect(read(q).speech.act).toBe(act);
  });

  it('a claim that a rule was repealed is noted as a claim', () => {
    expect(read('katanya larangan kampanye buat PNS udah dicabut ya?').claimsRepeal).toBe(true);
  });

  it('answers in English when the question is English', () => {
    expect(read('Can a civil servant like a candidate post on Instagram?').language).toBe('en');
  });
});

describe('follow-ups change the previous situation', () => {
  it('"kalau cuma like saja?" keeps the target and narrows the act', () => {
    const first = read('bolehkah PNS posting dukungan ke caleg di IG?');
    const next = read('kalau cuma like saja?', first);
    expect(next.followUp).toBe(true);
    expect(acts(next)).toEqual(['like']);
    expect(next.targets.map((t) => t.id)).toContain('candidate');
  });

  it('"apa sanksinya?" asks the sanction of the act just discussed', () => {
    const first = read('PNS jadi tim sukses caleg boleh?');
    const next = read('apa sanksinya?', first);
    expect(next.speech.act).toBe('sanction');
    expect(acts(next)).toContain('campaign_team');
  });

  it('a bare fact answers the ask-back question', () => {
    const first = read('sy foto bareng caleg di pasar, boleh gk?');
    const next = read('fotonya tidak saya unggah', first);
    expect(next.circumstances.posted?.value).toBe(false);
    expect(acts(next)).toContain('photo_with');
  });

  it('"saya PPPK" changes the status of the previous question', () => {
    const first = read('boleh gk ASN ikut kampanye caleg?');
    const next = read('saya PPPK', first);
    expect(next.actor.status?.id).toBe('pppk');
    expect(acts(next)).toContain('attend_campaign');
  });
});

describe('card situations are checked at load', () => {
  it('an exception or a consequence citing an article that is not in the corpus is a problem naming the card and field', async () => {
    const { checkIntegrity } = await import('../../src/knowledge/check-integrity.js');
    const card = kb.cards.find((c) => c.id === 'atribut-foto-bersama-calon-diunggah')!;
    const broken = {
      ...kb,
      cards: [
        {
          ...card,
          exceptions: [{ ...card.exceptions[0]!, basis: [{ doc: 'pp-94-2021', ref: 'Pasal 99 ayat (7)' }] }],
          consequences: { pns: { text: 'Hukuman disiplin berat.', basis: [{ doc: 'uu-7-2017', ref: 'Pasal 999' }] } },
        },
      ],
    };
    const problems = checkIntegrity(broken);
    expect(problems.some((p) => p.includes('exceptions.') && p.includes('Pasal 99 ayat (7)'))).toBe(true);
    expect(problems.some((p) => p.includes('consequences.pns') && p.includes('Pasal 999'))).toBe(true);
  });

  it('a situation id the lexicon does not define is rejected', async () => {
    const { checkCardSituations } = await import('../../src/knowledge/check-card-situations.js');
    const card = kb.cards[0]!;
    const problems = checkCardSituations([{ ...card, situation: { ...card.situation!, acts: ['terbang_ke_bulan'] } }], kb.lexicon.situation);
    expect(problems.join('\n')).toMatch(/terbang_ke_bulan/);
  });
});

describe('readings added from fresh blind phrasings (2026-12-02)', () => {
  it('a relative who runs is a family candidate, and the user putting up the banner acts', () => {
    const s = read('keponakan sy nyaleg DPRD, dia nitip baliho gede, minta sy yg masangin di pagar rumah. sy PNS, aman?');
    expect(s.targets.map((t) => t.id)).toContain('family_candidate');
    expect(acts(s)).toContain('install_banner');
    expect(s.actor.who).toBe('self');
  });

  it('whoever says something is its source, not a target', () => {
    const s = read('katanya menteri bilang ASN blh ikut kampanye asal di luar jam kerja, bener?');
    expect(s.targets.map((t) => t.id)).not.toContain('sitting_official');
  });

  it('readings of facilities, mock elections, report follow-ups and sanction details', () => {
    expect(acts(read('Can I book the agency zoom account for a party meeting on Saturday?'))).toContain('use_facility');
    const mock = read('sy guru PNS, mau bikin pilketos di kelas pake kotak suara dr kardus, calonnya siswa kelas 5. boleh?');
    expect(mock.circumstances.fictitious?.value).toBe(true);
    expect(mock.targets).toEqual([]);
    expect(read('laporan sy ke bawaslu kab blm ditanggapi sebulan. ada batas waktu buat diproses gk?').speech.act).toBe('report_how');
    expect(read('sy PNS kena hukdis sedang krn ikut kampanye. tunjangan sy dipotong berapa persen?').speech.act).toBe('sanction');
    // A question tag ends with its sentence: the next sentence's "gak" negates what follows it.
    const tagged = read('sy PNS dtg ke konser kampanye cuma buat nonton penyanyi favorit sy, gimana? gak pake kaos partai kok.');
    expect(tagged.negatedActs.map((a) => a.id)).toContain('wear_attribute');
    // "favorit" (a favourite singer) is not favouring anyone.
    expect(acts(tagged)).not.toContain('decide_favour');
    // When the next election is, asked beside a plan, is a question about dates.
    expect(read('sy PNS mau maju pileg. pemilu selanjutnya barengan pilkada ga sih?').speech.act).toBe('date_stage');
    const inaction = read('kabid kami diam saja, tidak kasih sanksi ke staf yg jelas2 kampanye. kabidnya bisa kena tidak?');
    expect(inaction.speech.act).toBe('sanction');
    expect(acts(inaction)).toContain('ignore_violation');
  });

  it('"kata teman saya …": the one who says it is not the one it is about', () => {
    const s = read('aku pensiunan guru, kata kawan aku gak bisa nyaleg lagi, betul ga?');
    expect(s.actor.who).toBe('self');
    expect(s.actor.status?.id).toBe('retired');
    expect(acts(s)).toEqual(['run_for_office']);
    // Without "kata" before them, the friend who runs is the candidate, and the user's act is theirs.
    const helping = read('kawan aku nyaleg lagi, aku boleh jd timsesnya?');
    expect(helping.candidateActs.map((a) => a.id)).toEqual(['run_for_office']);
    expect(acts(helping)).toEqual(['campaign_team']);
  });

  it('"boleh lapor …" asks how to report', () => {
    expect(read('sy warga biasa, boleh lapor camat yg ikut kampanye?').speech.act).toBe('report_how');
  });

  it('annual leave for a family wedding is not leave to campaign', () => {
    expect(acts(read('sy PNS mau ambil cuti tahunan buat nikahan adik, caranya gmn?'))).not.toContain('leave_to_campaign');
    expect(acts(read('sy PNS boleh ambil cuti tahunan buat ikut kampanye caleg?'))).toContain('leave_to_campaign');
  });

  it('"no 2" before a number is a label, not a negation', () => {
    const s = read('paslon no 2 sy acc cepet izinnya, yg lain sy tolak');
    expect(s.negatedActs.map((a) => a.id)).not.toContain('decide_favour');
    expect(acts(s)).toContain('decide_favour');
  });
});
