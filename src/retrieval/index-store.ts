/**
 * The index on disk, in one import: building (index-build.ts), loading (index-load.ts), the
 * pointer and manifest (index-manifest.ts). Layout of `data/index/`:
 *
 *   CURRENT                    {"buildId": "…"} — the build in use, switched atomically
 *   builds/<buildId>/          one complete build (see index-build-files.ts) + manifest.json
 *   embedding-cache/*.f32      vectors by text hash, per embedder (embedding-cache.ts)
 *   source-stat.json           stat/hash of knowledge/ files, for a fast no-op check
 */
export { type BuildOptions, type BuildSummary, buildIndex } from './index-build.js';
export { IndexMissingError, type LoadedIndex, loadIndex, loadLastGoodBuild } from './index-load.js';
export { BrokenBuildError, type IndexManifest, readCurrentBuild, readManifest } from './index-manifest.js';
export { INDEX_LAYOUT, indexFormat } from './index-format.js';
export { writeAtomically } from './durable-files.js';
