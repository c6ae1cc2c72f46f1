import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (fast: in-process tests of real parts, a real SQLite file, servers on
 * 127.0.0.1) and `ops` (child processes of the compiled CLI and scripts, load, faults, re-index,
 * LLM endpoints that hang). `npm test` runs both; `npm run test:unit` / `test:ops` one of them.
 */
const OPS = [
  'test/ops/**/*.test.ts',
  'test/cli/**/*.test.ts',
  'test/knowledge/reindex.test.ts',
  'test/knowledge/incremental-reindex.test.ts',
  'test/reporting/reports-export.test.ts',
  'test/llm/llm-failures.test.ts',
  // These run the compiled `npm run ask` as a child process.
  'test/knowledge/current-state.test.ts',
  'test/knowledge/provenance.test.ts',
];

export default defineConfig({
  test: {
    // Tests build real indexes and start real servers on 127.0.0.1; give slow CI machines room.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: OPS,
          globalSetup: ['test/support/global-index.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'ops',
          include: OPS,
          globalSetup: ['test/support/global-build.ts', 'test/support/global-index.ts'],
        },
      },
    ],
  },
});
