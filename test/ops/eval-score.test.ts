import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/test-app.js';

const run = promisify(execFile);

/**
 * `npm run eval` must score exactly as the evaluation kit's scorer (eval/score.mjs, vendored
 * unchanged) does. Both score the same lines — a slice of dev-real.jsonl with misses, loosening
 * candidates and escalations in it — and every figure must agree.
 */
let dir: string;
let setFile: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-evalcheck-'));
  const lines = fs.readFileSync(path.join(REPO_ROOT, 'eval', 'dev-real.jsonl'), 'utf8').split('\n').filter(Boolean);
  setFile = path.join(dir, 'slice.jsonl');
  fs.writeFileSync(setFile, `${lines.filter((_, i) => i % 5 === 0).join('\n')}\n`);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm run eval agrees with eval/score.mjs', () => {
  it('on strict, lenient, citations, invented quotes, loosening, over-abstention, over-escalation and escalation', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NETRA_DATA_DIR: path.join(dir, 'data'), NETRA_TODAY: '2026-12-01' };
    const kit = await run(process.execPath, [path.join(REPO_ROOT, 'eval', 'score.mjs'), setFile], { cwd: REPO_ROOT, env, timeout: 240_000 });
    const ours = await run(process.execPath, [path.join(REPO_ROOT, 'dist', 'scripts', 'eval.js'), '--file', setFile, '--json'], { cwd: REPO_ROOT, env, timeout: 240_000 });
    const line = kit.stdout.trim().split('\n').at(-1)!;
    const m = /strict [\d.]+ \((\d+)\/(\d+)\) loosen (\d+) overabstain (\d+) overescalate (\d+) verdict [\d.]+ \((\d+)\/\d+\) cite [\d.]+ \((\d+)\/(\d+)\) fabricated (\d+)\/(\d+) escalate (\d+)\/(\d+)/.exec(line);
    expect(m, line).not.toBeNull();
    const [, strictOk, n, loosen, overAbst, overEsc, lenientOk, citeOk, citeN, fabricated, shown, escOk, escN] = m!.map(Number);
    const score = Object.values((JSON.parse(ours.stdout.trim().split('\n').at(-1)!) as { sets: Record<string, Record<string, number>> }).sets)[0]!;
    expect(score).toMatchObject({
      n,
      strictOk,
      lenientOk,
      citeOk,
      citeN,
      invented: fabricated,
      citationsShown: shown,
      loosening: loosen,
      overAbstention: overAbst,
      overEscalation: overEsc,
      escalateOk: escOk,
      escalateN: escN,
    });
  }, 300_000);
});
