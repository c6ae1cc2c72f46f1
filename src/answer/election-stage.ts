import type { StageOnDate } from '../knowledge/election-stage.js';


const ID_MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];

/** `2026-11-23` → `23 November 2026`. */
export function formatDateId(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${ID_MONTHS[(m ?? 1) - 1]} ${y}`;
}

/**
 * One or two sentences telling the user which stage applies, because the news-reported SKB
 * annex distinguishes "bakal calon" (before candidates are determined: ethics, moral sanction)
 * from "calon" (after: discipline), and UU 7/2017 Pasal 282 speaks of the campaign period.
 */
export function stageNote(stage: StageOnDate, isActDate: boolean, language: 'id' | 'en'): string {
  const when = isActDate ? `pada ${formatDateId(stage.date)}` : `hari ini (${formatDateId(stage.date)})`;
  if (language === 'en') {
    if (!stage.election) {
      return `Netra's calendar shows no election stage running ${isActDate ? `on ${stage.date}` : `today (${stage.date})`}; the rules still apply to candidates and would-be candidates (bakal calon). Tell me the date of the act if it matters.`;
    }
    return stage.phase === 'sebelum_penetapan'
      ? `${isActDate ? `On ${stage.date}` : `Today (${stage.date})`} falls before candidates of ${stage.election.name} are determined: according to news reports of the SKB annex, acts supporting "bakal calon" are then treated as code-of-ethics violations (moral sanction).`
      : `${isActDate ? `On ${stage.date}` : `Today (${stage.date})`} falls after candidates of ${stage.election.name} were determined${stage.inCampaign ? ', during the campaign period' : ''}: discipline rules apply.`;
  }
  if (!stage.election) {
    return `Kalender Netra tidak mencatat tahapan pemilu atau pilkada yang sedang berjalan ${when}; larangan tetap berlaku terhadap calon maupun bakal calon. Jika tanggal perbuatannya penting, sebutkan tanggalnya agar tahapannya bisa dicek.`;
  }
  if (stage.phase === 'sebelum_penetapan') {
    return `${capitalize(when)} termasuk masa sebelum penetapan calon ${stage.election.name}: menurut pemberitaan lampiran SKB 2022, dukungan kepada "bakal calon" pada masa ini dikategorikan pelanggaran kode etik (sanksi moral), sedangkan setelah penetapan menjadi pelanggaran disiplin.`;
  }
  return `${capitalize(when)} termasuk masa setelah penetapan calon ${stage.election.name}${stage.stageName ? ` (tahap: ${stage.stageName.toLowerCase()})` : ''}: yang berlaku adalah ketentuan disiplin bagi dukungan kepada calon${stage.inCampaign ? ', dan larangan selama masa kampanye' : ''}.`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
