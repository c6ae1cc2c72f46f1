import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests build real indexes and start real servers on 127.0.0.1; give slow CI machines room.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
