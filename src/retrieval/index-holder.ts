import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { HnswVectorStore } from './hnsw-vector-store.js';
import { buildIndex, type BuildSummary, type LoadedIndex, loadIndex, readCurrentBuild } from './index-store.js';

/**
 * How long a replaced index's HNSW graph is kept after the switch before its memory is freed: a
 * question that took the old index just before the switch is done with its search within
 * milliseconds; this leaves room for a machine that is very busy.
 */
const RELEASE_AFTER_MS = 30_000;

/**
 * Holds the index a running bot answers from, and swaps it without a restart when a re-index
 * (from `/reindex` or `npm run reindex` in another process) makes a new build current: the new
 * build is loaded aside and replaces the old one in a single assignment, so no question ever
 * sees half an index. A build that fails to load leaves the old one serving.
 */
export class IndexHolder {
  private current: LoadedIndex;
  private watching = false;
  private reloading: Promise<void> | undefined;
  /** The re-index in progress, if any: rebuilds run one at a time (see {@link rebuild}). */
  private building: Promise<unknown> = Promise.resolve();
  private readonly pointer: string;

  constructor(
    initial: LoadedIndex,
    private readonly config: Config,
    private readonly logger?: Logger,
  ) {
    this.current = initial;
    this.pointer = path.join(config.indexDir, 'CURRENT');
  }

  /** The index to answer from now. */
  get(): LoadedIndex {
    return this.current;
  }

  /**
   * Rebuilds from `knowledge/` and switches to the result (no-op when nothing changed).
   * Rebuilds are serialised: two at once (two admins sending /reindex) would prune each other's
   * builds while they are being loaded, leaving the bot on the old index.
   */
  rebuild(): Promise<BuildSummary> {
    const run = this.building.then(async () => {
      // The index in use lends its parts to the update, so a /reindex does not load a second copy.
      const summary = await buildIndex({
        knowledgeDir: this.config.knowledgeDir,
        indexRoot: this.config.indexDir,
        config: this.config,
        serving: this.current,
      });
      await this.reloadIfChanged();
      // Do not report a switch that did not happen (the new build failed to load).
      const current = await readCurrentBuild(this.config.indexDir);
      if (current && current !== this.current.manifest.buildId) {
        throw new Error(`Indeks baru ${current} dibuat tetapi gagal dimuat; indeks lama ${this.current.manifest.buildId} tetap dipakai.`);
      }
      return summary;
    });
    this.building = run.catch(() => undefined);
    return run;
  }

  /** Loads the current build if it differs from the one in use. */
  async reloadIfChanged(): Promise<void> {
    // A reload already in flight may have read the pointer before its latest change: wait for it
    // and then look again, instead of joining it and missing the newest build.
    while (this.reloading) await this.reloading;
    this.reloading = (async () => {
      try {
        const id = await readCurrentBuild(this.config.indexDir);
        if (!id || id === this.current.manifest.buildId) return;
        const next = await loadIndex(this.config.indexDir, this.config, id);
        const old = this.current;
        this.current = next;
        this.releaseLater(old);
        this.logger?.info({ buildId: id, chunks: next.chunks.length }, 'switched to new index');
      } catch (err) {
        this.logger?.error({ err: (err as Error).message }, 'new index could not be loaded; the old one keeps serving');
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  /** Watches the pointer file so a re-index run from another process is picked up within seconds. */
  watch(intervalMs = 1000): void {
    if (this.watching) return;
    this.watching = true;
    fs.watchFile(this.pointer, { interval: intervalMs }, () => void this.reloadIfChanged());
  }

  close(): void {
    if (this.watching) fs.unwatchFile(this.pointer);
    this.watching = false;
  }

  /**
   * Frees a replaced index's HNSW graph once no question can still be searching it. Left to the
   * garbage collector, it could stay resident for a long time: V8 does not count hnswlib's memory,
   * so at 100× the corpus every switch would leave another 200 MB behind for a while.
   */
  private releaseLater(old: LoadedIndex): void {
    const store = old.vector;
    if (!(store instanceof HnswVectorStore) || store === this.current.vector) return;
    setTimeout(() => store.release(), RELEASE_AFTER_MS).unref();
  }
}
