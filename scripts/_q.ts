import { createNetra } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { BENCH_QUESTIONS } from './bench.js';
const scale = process.argv[2];
const config = loadConfig({ NETRA_DATA_DIR: `/tmp/lp${scale}`, NETRA_KNOWLEDGE_DIR: scale === '1' ? 'knowledge' : `/tmp/gen-${scale}/knowledge`, LOG_LEVEL: 'silent' }, process.cwd());
const app = await createNetra(config, silentLogger());
for (const b of BENCH_QUESTIONS) await app.pipeline.ask(b.question);
const c = process.cpuUsage(); const t = performance.now(); let n = 0;
for (let r = 0; r < 5; r++) for (const b of BENCH_QUESTIONS) { await app.pipeline.ask(b.question); n++; }
const u = process.cpuUsage(c);
console.log('mean wall', ((performance.now() - t) / n).toFixed(1), 'cpu', ((u.user + u.system) / 1000 / n).toFixed(1));
await app.close();
