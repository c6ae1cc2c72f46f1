import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stageOn } from '../../src/knowledge/election-stage.js';
import { type KnowledgeBase, KnowledgeValidationError } from '../../src/knowledge/knowledge-base.js';
import { fromSnapshot, toSnapshot } from '../../src/knowledge/knowledge-snapshot.js';
import { loadKnowledge } from '../../src/knowledge/load-knowledge.js';
import { buildIndex } from '../../src/retrieval/index-store.js';
import { type Scratch, scratchKnowledge } from '../support/temp-knowledge.js';
import { KNOWLEDGE_DIR, REPO_ROOT } from '../support/test-app.js';

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledge(KNOWLEDGE_DIR);
});

let scratch: Scratch | undefined;
afterEach(() => {
  scratch?.cleanup();
  scratch = undefined;
});

const STATE = path.join('calendar', 'current-state.yaml');
const CALENDAR_2025 = path.join('calendar', 'pilkada-2024-psu-dan-ulang-2025.yaml');

/** Edits one file of a scratch copy of knowledge/ and returns the loader's problems (empty if it loads). */
async function problemsAfter(file: string, edit: (raw: string) => string): Promise<string[]> {
  scratch?.cleanup();
  scratch = scratchKnowledge();
  const full = path.join(scratch.knowledgeDir, file);
  const raw = fs.readFileSync(full, 'utf8');
  const edited = edit(raw);
  expect(edited, 'the edit must change the file').not.toBe(raw);
  fs.writeFileSync(full, edited);
  try {
    await loadKnowledge(scratch.knowledgeDir);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(KnowledgeValidationError);
    return (err as KnowledgeValidationError).problems;
  }
}

describe('the current state of the election timeline (knowledge/calendar/current-state.yaml)', () => {
  it('loads as data: checked on the newest source, no stage running, every fact with text, basis or source and grade', () => {
    const s = kb.currentState;
    expect(s.checked_on).toBe('2026-02-24');
    expect(s.stage_running).toBe(false);
    expect(s.facts.tahapan.data.stage_running).toBe(false);
    expect(s.facts.pemilu_berikutnya.data).toEqual({ year: 2029, voting_date: null, stages_start_months_before: 20 });
    expect(s.facts.pemilu_berikutnya.basis).toContainEqual({ doc: 'uu-7-2017', ref: 'Pasal 167 ayat (6)' });
    expect(s.facts.keserentakan).toMatchObject({ grade: 'C', data: { same_day: false, national_year: 2029, local_year_estimate: 2031 } });
    expect(s.facts.ruu_pemilu.data).toMatchObject({ status: 'penyusunan', enacted: null });
    expect(s.facts.kasn.basis).toContainEqual({ doc: 'uu-20-2023', ref: 'Pasal 70 ayat (3)' });
    expect(s.facts.kasn.data.exists).toBe(false);
    expect(s.facts.lembaga_independen.data).toEqual({ deadline: '2027-10-16', formed: null });
    for (const [id, f] of Object.entries(s.facts)) {
      expect(f.text_id.length, id).toBeGreaterThan(40);
      expect(f.text_en.length, id).toBeGreaterThan(40);
      expect(f.basis.length + f.sources.filter((x) => x.url).length, id).toBeGreaterThan(0);
      expect(f.as_of <= s.checked_on, id).toBe(true);
    }
  });

  it('travels in the index snapshot', () => {
    expect(fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(kb)))).currentState).toEqual(kb.currentState);
  });

  it('counts as a knowledge change at re-index', async () => {
    scratch = scratchKnowledge();
    const build = () => buildIndex({ knowledgeDir: scratch!.knowledgeDir, indexRoot: scratch!.config.indexDir, config: scratch!.config });
    await build();
    const file = path.join(scratch.knowledgeDir, STATE);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('target_completion: "November 2026"', 'target_completion: "Desember 2026"'));
    expect((await build()).noop).toBe(false);
  }, 120_000);

  it('rejects a missing file, a missing field, an unknown basis and a grade higher than the basis, naming file and field', async () => {
    scratch = scratchKnowledge();
    fs.rmSync(path.join(scratch.knowledgeDir, STATE));
    const missing = (await loadKnowledge(scratch.knowledgeDir).catch((e: unknown) => e)) as KnowledgeValidationError;
    expect(missing.problems).toEqual([expect.stringMatching(/^calendar\/current-state\.yaml: berkas keadaan terkini tidak ada/)]);

    const noText = await problemsAfter(STATE, (raw) => raw.replace(/^ {4}text_en: "KASN no longer exists.*\n/m, ''));
    expect(noText).toEqual([expect.stringMatching(/^calendar\/current-state\.yaml: facts\.kasn\.text_en: /)]);

    const badRef = await problemsAfter(STATE, (raw) => raw.replace('{ doc: uu-20-2023, ref: "Pasal 70 ayat (3)" }', '{ doc: uu-20-2023, ref: "Pasal 71 ayat (3)" }'));
    expect(badRef).toEqual([expect.stringMatching(/current-state\.yaml: facts\.kasn\.basis\[0\]: uu-20-2023 "Pasal 71 ayat \(3\)" tidak ada/)]);

    const tooSure = await problemsAfter(STATE, (raw) => raw.replace(/(keserentakan:\n[\s\S]*?\n {4}grade: )C/, '$1A'));
    expect(tooSure.join('\n')).toMatch(/current-state\.yaml: facts\.keserentakan\.grade: A lebih tinggi dari dasar Putusan MK 135\/PUU-XXII\/2024 Amar — Pasal 167 ayat \(3\) UU 7\/2017 \(tingkat C\)/);
  });

  it('rejects a stage_running that the calendar contradicts, and an unknown fact key', async () => {
    const running = await problemsAfter(STATE, (raw) => raw.replace(/^stage_running: false$/m, 'stage_running: true'));
    expect(running).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/current-state\.yaml: stage_running: true tidak sesuai kalender pada 2026-02-24 \(tidak ada tahapan\)/),
        expect.stringMatching(/current-state\.yaml: facts\.tahapan\.data\.stage_running: harus sama/),
      ]),
    );
    const typo = await problemsAfter(STATE, (raw) => raw.replace('  kasn:\n', '  ksan:\n'));
    expect(typo.join('\n')).toMatch(/current-state\.yaml: facts/);
  });

  it('npm run ask refuses to answer from a knowledge folder with a malformed current state, naming file and field', () => {
    scratch = scratchKnowledge();
    const file = path.join(scratch.knowledgeDir, STATE);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('deadline: 2027-10-16', 'deadline: "enam belas Oktober"'));
    // The compiled CLI (dist/, built by the global setup), as `npm run ask` runs it.
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'src', 'cli', 'ask.js'), '--json', 'KASN masih ada?'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NETRA_DATA_DIR: scratch.dataDir, NETRA_KNOWLEDGE_DIR: scratch.knowledgeDir },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/calendar\/current-state\.yaml: facts\.lembaga_independen\.data\.deadline/);
  }, 120_000);
});

describe('the election calendar with the 2025 re-votes and the 27 Aug 2025 Pilkada ulang', () => {
  it('has every election with sources, grade and certainty, and the regional ones with their regions', () => {
    for (const e of kb.calendar) {
      expect(e.source_urls.length, e.id).toBeGreaterThan(0);
      expect(['B', 'C']).toContain(e.grade);
      expect(e.certainty.length).toBeGreaterThan(10);
      if (e.type !== 'pemilihan') expect(e.regions.length, e.id).toBeGreaterThan(0);
    }
    const ulang = kb.calendar.find((e) => e.id === 'pilkada-ulang-2025-bangka-pangkalpinang')!;
    expect(ulang.stages.map((s) => [s.id, s.start, s.end])).toEqual(
      expect.arrayContaining([
        ['pendaftaran_calon', '2025-06-26', '2025-06-28'],
        ['penetapan_calon', '2025-07-22', '2025-07-22'],
        ['masa_kampanye', '2025-07-25', '2025-08-23'],
        ['pemungutan_suara', '2025-08-27', '2025-08-27'],
      ]),
    );
    // The registration dates conflict between outlets; the stage says so.
    expect(ulang.stages.find((s) => s.id === 'pendaftaran_calon')!.certainty).toMatch(/23-25 Juni 2025/);
  });

  it('rejects a re-vote without regions, naming file and field', async () => {
    const problems = await problemsAfter(CALENDAR_2025, (raw) => raw.replace('  regions: ["Kota Palopo", "Kabupaten Mahakam Ulu", "Kabupaten Pesawaran"]\n', ''));
    expect(problems).toEqual([expect.stringMatching(/^calendar\/pilkada-2024-psu-dan-ulang-2025\.yaml: 1\.regions: PSU dan pilkada ulang harus menyebut regions/)]);
  });

  it('stageOn: no stage on 2026-12-01 or on the day the sources stop', () => {
    expect(stageOn(kb.calendar, '2026-12-01')).toEqual({ date: '2026-12-01', phase: 'di_luar_tahapan', inCampaign: false });
    expect(stageOn(kb.calendar, '2026-02-24').phase).toBe('di_luar_tahapan');
    expect(stageOn(kb.calendar, '2025-10-01').phase).toBe('di_luar_tahapan');
  });

  it('stageOn: a 2025 re-vote day is after candidate determination, only in its regions', () => {
    const psu = stageOn(kb.calendar, '2025-03-22');
    expect(psu).toMatchObject({ phase: 'setelah_penetapan', electionType: 'psu', stageName: 'Pemungutan suara ulang', inCampaign: false });
    expect(psu.regions).toContain('Kabupaten Magetan');
    const papua = stageOn(kb.calendar, '2025-08-06');
    expect(papua.regions).toEqual(expect.arrayContaining(['Provinsi Papua']));
    expect(papua.otherRegional?.map((o) => o.id)).toEqual(expect.arrayContaining(['psu-barito-utara-kedua-2025', 'pilkada-ulang-2025-bangka-pangkalpinang']));
  });

  it('stageOn: the Pilkada ulang has its own determination and campaign, and a nationwide election still wins', () => {
    expect(stageOn(kb.calendar, '2025-07-01')).toMatchObject({ phase: 'sebelum_penetapan', electionType: 'pilkada_ulang', regions: ['Kabupaten Bangka', 'Kota Pangkalpinang'] });
    expect(stageOn(kb.calendar, '2025-08-01')).toMatchObject({ phase: 'setelah_penetapan', inCampaign: true, stageName: 'Masa kampanye', election: { id: 'pilkada-ulang-2025-bangka-pangkalpinang' } });
    const pilkada2024 = stageOn(kb.calendar, '2024-11-27');
    expect(pilkada2024).toMatchObject({ election: { id: 'pilkada-2024' }, stageName: 'Pemungutan suara' });
    expect(pilkada2024.regions).toBeUndefined();
    expect(stageOn(kb.calendar, '2024-01-05')).toMatchObject({ election: { id: 'pemilu-2024' }, phase: 'setelah_penetapan', inCampaign: true });
    expect(stageOn(kb.calendar, '2023-08-01')).toMatchObject({ election: { id: 'pemilu-2024' }, phase: 'sebelum_penetapan' });
  });
});
