import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type NetraDatabase, openDatabase } from '../../src/storage/database.js';
import { StorageUnavailableError, toStorageError } from '../../src/storage/storage-errors.js';
import { StorageWriter } from '../../src/storage/storage-writer.js';

const coded = (code: string) => Object.assign(new Error(`raw ${code} with data`), { code });

describe('storage errors are typed', () => {
  it.each([
    ['SQLITE_READONLY', 'read_only'],
    ['SQLITE_READONLY_DBMOVED', 'read_only'],
    ['SQLITE_FULL', 'disk_full'],
    ['SQLITE_BUSY', 'locked'],
    ['SQLITE_IOERR_WRITE', 'unavailable'],
    ['EROFS', 'read_only'],
    ['ENOSPC', 'disk_full'],
  ])('%s → %s', (code, problem) => {
    const e = toStorageError(coded(code));
    expect(e).toBeInstanceOf(StorageUnavailableError);
    expect(e?.problem).toBe(problem);
    expect(e?.message).not.toContain('with data'); // the raw message stays in `cause`, for the operator
    expect(e?.userMessage).toMatch(/Data Anda belum tersimpan/);
  });

  it('leaves other errors alone (a bug is not a storage fault)', () => {
    expect(toStorageError(new TypeError('x is undefined'))).toBeUndefined();
    expect(toStorageError(coded('SQLITE_CONSTRAINT_UNIQUE'))).toBeUndefined();
  });
});

describe('StorageWriter', () => {
  let dir: string;
  let db: NetraDatabase;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-writer-'));
    db = openDatabase(path.join(dir, 'netra.sqlite'));
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a failing write rejects typed and is remembered for /healthz; later writes still run, in order', async () => {
    const writer = new StorageWriter(db, { lockWaitMs: 100 });
    const order: number[] = [];
    const failed = writer.write(() => {
      throw coded('SQLITE_FULL');
    });
    const next = writer.write(() => order.push(1));
    await expect(failed).rejects.toMatchObject({ name: 'StorageUnavailableError', problem: 'disk_full' });
    await next;
    expect(order).toEqual([1]);
    expect(writer.state().lastError).toMatchObject({ problem: 'disk_full', code: 'SQLITE_FULL' });
  });

  it('a write that throws something else rejects with that error, unchanged', async () => {
    const writer = new StorageWriter(db, { lockWaitMs: 100 });
    await expect(writer.write(() => db.prepare('INSERT INTO nowhere VALUES (1)').run())).rejects.toThrow(/no such table/);
  });
});
