import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryEvidenceBlobs } from '../../src/reporting/directory-evidence-blobs.js';
import { EvidenceStore, ORPHAN_GRACE_MS, sanitizeOriginalName, type EvidenceInput } from '../../src/reporting/evidence-store.js';

let dir: string;
let blobs: DirectoryEvidenceBlobs;
let store: EvidenceStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-evidence-'));
  blobs = new DirectoryEvidenceBlobs(path.join(dir, 'evidence'));
  store = new EvidenceStore(blobs, 1024 * 1024);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = (data: Buffer, mimeType: string | undefined, fileName = 'bukti.bin', kind = 'document'): EvidenceInput => ({
  kind,
  mimeType,
  fileName,
  bytes: data,
});
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const SCRIPT = Buffer.from('#!/bin/sh\nrm -rf / --no-preserve-root\n');
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('classes.dex AndroidManifest.xml')]);
const DOCX = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('[Content_Types].xml word/document.xml')]);

describe('evidence is typed by its content, against an allow-list', () => {
  it('a script declared as a JPEG photo is refused', async () => {
    const r = await store.save(file(SCRIPT, 'image/jpeg', 'foto.jpg', 'photo'));
    expect(r.ok).toBe(false);
    expect(fs.existsSync(blobs.dir) ? fs.readdirSync(blobs.dir) : []).toEqual([]);
  });

  it('a PNG declared as JPEG is stored as PNG', async () => {
    const r = await store.save(file(PNG, 'image/jpeg', 'foto.jpg', 'photo'));
    expect(r.ok && r.file.mimeType).toBe('image/png');
    expect(r.ok && r.file.fileName.endsWith('.png')).toBe(true);
  });

  it('a ZIP that is not a Word document is refused, a .docx is kept', async () => {
    expect((await store.save(file(ZIP, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'surat.docx'))).ok).toBe(false);
    const docx = await store.save(file(DOCX, 'application/octet-stream', 'surat.docx'));
    expect(docx.ok && docx.file.mimeType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  it('plain text is kept only when it really is text', async () => {
    expect((await store.save(file(Buffer.from('Kronologi kejadian: rapat pukul 09.00.\n'), 'text/plain', 'catatan.txt'))).ok).toBe(true);
    expect((await store.save(file(Buffer.from([0x00, 0x01, 0x02, 0x41]), 'text/plain', 'catatan.txt'))).ok).toBe(false);
  });

  it('stored files are 0600 and no partial file is left behind', async () => {
    const r = await store.save(file(PNG, 'image/png'));
    if (!r.ok) throw new Error(r.message);
    expect(fs.statSync(blobs.pathOf(r.file.fileName)).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(blobs.dir)).toEqual([r.file.fileName]);
  });
});

describe('names shown to people', () => {
  it('lose bidi overrides, zero-width and control characters', () => {
    // "foto\u202Egpj.exe" displays as "fotoexe.jpg".
    expect(sanitizeOriginalName('foto\u202egpj.exe')).toBe('fotogpj.exe');
    expect(sanitizeOriginalName('bu\u200bkti\u0007\u0085.pdf')).toBe('bukti.pdf');
    expect(sanitizeOriginalName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeOriginalName('\u2066\u2069')).toBeUndefined();
  });
});

describe('orphan evidence files', () => {
  it('are removed when nothing refers to them; referenced ones and, while a draft is unreadable, young ones stay', async () => {
    const kept = await store.save(file(PNG, 'image/png'));
    const orphan = await store.save(file(PNG, 'image/png'));
    if (!kept.ok || !orphan.ok) throw new Error('setup');
    fs.writeFileSync(path.join(blobs.dir, '.0b8f3c2e-1d4a-4c6b-9f7e-2a1b3c4d5e6f.partial'), 'half');
    fs.writeFileSync(path.join(blobs.dir, 'README.txt'), 'not ours'); // not a name this store makes
    const referenced = new Set([kept.file.fileName]);
    // Just written: another worker may be about to save the draft that refers to it.
    expect(await store.removeOrphans(referenced, { complete: true, minAgeMs: 3600_000 })).toBe(0);
    const later = new Date(Date.now() + ORPHAN_GRACE_MS + 60_000);
    // A draft could not be read: an unreferenced file younger than minAgeMs may be its, so it stays; the partial goes.
    expect(await store.removeOrphans(referenced, { complete: false, minAgeMs: 7 * 24 * 3600_000, now: later })).toBe(1);
    expect(fs.existsSync(blobs.pathOf(orphan.file.fileName))).toBe(true);
    expect(await store.removeOrphans(referenced, { complete: true, minAgeMs: 7 * 24 * 3600_000, now: later })).toBe(1);
    expect(fs.readdirSync(blobs.dir).sort()).toEqual([kept.file.fileName, 'README.txt'].sort());
  });

  it('a stored file reads back byte for byte; the directory is 0700', async () => {
    const r = await store.save(file(PNG, 'image/png'));
    if (!r.ok) throw new Error(r.message);
    expect((await store.read(r.file.fileName)).equals(PNG)).toBe(true);
    expect(fs.statSync(blobs.dir).mode & 0o777).toBe(0o700);
    await expect(store.read('0b8f3c2e-1d4a-4c6b-9f7e-2a1b3c4d5e6f.png')).rejects.toThrow(/tidak ditemukan/);
    await expect(store.read('../netra.sqlite')).rejects.toThrow(/tidak valid/);
  });
});
