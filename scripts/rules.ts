import { RULES } from '../src/answer/decision/rules.js';
import { POLICY } from '../src/answer/decision/policy.js';
import { runIfInvokedDirectly } from './cli-runner.js';

/**
 * `npm run rules`: the decision table in the order it is tried (the first rule that decides wins)
 * and every number the rules use (src/answer/decision/policy.ts). The rule that produced an
 * answer is logged with it (`rule`) and returned by the pipeline, so a wrong answer can be traced.
 */
export function describeRules(): string {
  const lines = ['Tabel keputusan Netra (urutan dicoba; aturan pertama yang memutuskan menang):', ''];
  for (const [i, r] of RULES.entries()) lines.push(`${String(i + 1).padStart(2)}. ${r.name.padEnd(20)} ${r.why}`);
  lines.push('', 'Ambang (src/answer/decision/policy.ts):', JSON.stringify(POLICY, null, 2));
  return lines.join('\n');
}

runIfInvokedDirectly(
  import.meta.url,
  async () => {
    console.log(describeRules());
    return 0;
  },
  'rules',
  'npm run rules',
);
