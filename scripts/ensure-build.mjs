#!/usr/bin/env node
// Compiles Netra to dist/ when dist/ is missing or older than the TypeScript sources, so `npm start`
// (and every `npm run <script>` that runs compiled code) works on a fresh clone after `npm install`
// alone, and costs a few milliseconds when nothing changed.
//
//   node scripts/ensure-build.mjs           build only when stale
//   node scripts/ensure-build.mjs --clean   `npm run build`: delete dist/ and build from scratch
//
// Plain JavaScript on purpose: it must run before anything is compiled, and after
// `npm ci --omit=dev`, where TypeScript is not installed. Then an existing dist/ is used as it is
// (a deployment builds before pruning dev dependencies), and a missing one is a clear error.
// Messages go to stderr: stdout belongs to `npm run ask -- --json`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.build-stamp');
const lock = path.join(root, '.build-lock');
const entry = path.join(dist, 'src', 'cli', 'start.js');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const clean = process.argv.includes('--clean');

/** Newest modification time of the inputs of a build (TypeScript sources and the tsconfig files). */
function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  visit(path.join(root, 'src'));
  visit(path.join(root, 'scripts'));
  for (const f of ['tsconfig.json', 'tsconfig.build.json']) {
    try {
      newest = Math.max(newest, fs.statSync(path.join(root, f)).mtimeMs);
    } catch {
      /* optional file */
    }
  }
  return newest;
}

function upToDate() {
  try {
    return fs.existsSync(entry) && fs.statSync(stamp).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

/** One build at a time: parallel `npm run` calls (or test workers) must not write dist/ together. */
function withLock(fn) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock left by a killed build is stale after five minutes.
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 300_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        /* removed meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`${lock} masih terkunci oleh build lain; hapus folder itu bila tidak ada build yang berjalan.`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function build() {
  if (!clean && upToDate()) return 0; // another process built it while we waited for the lock
  if (!fs.existsSync(tsc)) {
    if (fs.existsSync(entry) && !clean) {
      process.stderr.write('Catatan: dist/ lebih lama dari sumber, tetapi TypeScript tidak terpasang (npm ci --omit=dev); dist/ yang ada dipakai.\n');
      return 0;
    }
    process.stderr.write('dist/ belum ada dan TypeScript tidak terpasang. Jalankan `npm ci && npm run build` sebelum `npm ci --omit=dev`.\n');
    return 1;
  }
  const started = Date.now();
  if (clean) fs.rmSync(dist, { recursive: true, force: true });
  process.stderr.write('Menyusun Netra ke dist/ (tsc)…\n');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) {
    process.stderr.write('Build gagal (lihat pesan tsc di atas).\n');
    return 1;
  }
  fs.mkdirSync(dist, { recursive: true });
  fs.writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
  // The stamp carries the time the build started: a file saved during the build makes it stale.
  fs.utimesSync(stamp, new Date(started), new Date(started));
  process.stderr.write(`Build selesai dalam ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  return 0;
}

if (!clean && upToDate()) process.exit(0);
process.exit(withLock(build));
